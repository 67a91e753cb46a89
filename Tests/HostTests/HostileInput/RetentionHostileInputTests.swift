import Foundation
@testable import Host
import PropertyBased
import Testing

/// Retention durations (`retention:` in manifests) as hostile input.
@Suite("Retention durations hostile input", .timeLimit(.minutes(2)))
struct RetentionHostileInputTests {
    @Test("any text is a duration from 1h to 3650d, or a refusal; generated durations read back as written")
    func anyText() async {
        let texts = Gen.element(of: Array("0123456789hdwmsy -.+_\u{0}é")).compactMap { $0 }.array(of: 0...12)
            .map { String($0) }
        await propertyCheck(count: 2_000, input: texts) { text in
            switch RetentionDuration.parse(text) {
            case .success(let duration):
                #expect(duration >= .seconds(3_600) && duration <= RetentionDuration.longest, "\(text)")
                #expect(RetentionDuration.parse(RetentionDuration.text(duration)) == .success(duration))
            case .failure(let error):
                #expect(!error.message.isEmpty)
            }
        }
        let units = Gen.element(of: ["h", "d", "w"]).compactMap { $0 }
        await propertyCheck(count: 500, input: zip(Gen.int(in: 1...521), units)) { number, unit in
            let text = "\(number)\(unit)"
            let hours = number * (unit == "h" ? 1 : unit == "d" ? 24 : 168)
            let expected: Result<Duration, RetentionDurationError> =
                hours > 3_650 * 24 ? .failure(.tooLong) : .success(.seconds(hours * 3_600))
            #expect(RetentionDuration.parse(text) == expected, "\(text)")
        }
        for text in ["", "d", "-1d", "+1d", "1.5d", " 1d", "1d ", "1D", "99999999999999999999d", "0000001d", "1e3h"] {
            #expect((try? RetentionDuration.parse(text).get()) == nil, "\(text)")
        }
    }
}
