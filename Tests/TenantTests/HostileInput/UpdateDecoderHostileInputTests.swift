import Foundation
import PropertyBased
import Testing
@testable import Tenant

/// Updates come from Telegram, a proxy, or anyone who learned a webhook address: the decoder,
/// the envelope reader, the getUpdates slicer and the command parser meet arbitrary bytes.
/// Each case is a class of input; every member returns or throws, none traps.
@Suite("Update decoding as hostile input", .timeLimit(.minutes(5)))
struct UpdateDecoderHostileInputTests {
    static let fixtures: [Data] = {
        (try? TelegramFixtureTests.allFixtures().compactMap { try? Data(contentsOf: $0) }) ?? []
    }()

    /// Decodes with every entry point; only traps can fail this.
    private func decodeEverywhere(_ raw: Data) {
        _ = try? TelegramUpdateDecoder.envelope(of: raw)
        _ = try? TelegramUpdateDecoder().decode(raw, botUsername: "han_dating_bot")
        _ = UpdateListSlicer.updates(in: raw)
        var wrapped = Data(#"{"ok":true,"result":["#.utf8)
        wrapped.append(raw)
        wrapped.append(contentsOf: Array("]}".utf8))
        _ = UpdateListSlicer.updates(in: wrapped)
    }

    @Test("real fixtures cut, flipped and spliced at random places")
    func mutatedFixtures() async throws {
        try #require(Self.fixtures.count >= 10)
        await propertyCheck(
            count: 600, input: Gen.int(in: 0..<Self.fixtures.count), Gen.int(in: 0...4096),
            Gen<UInt8>.value(in: 0...255).array(of: 0...8), Gen.int(in: 0...2)
        ) { index, position, bytes, operation in
            var raw = Self.fixtures[index]
            let at = min(position, raw.count)
            switch operation {
            case 0: raw = raw.prefix(at)
            case 1: raw.replaceSubrange(at..<min(at + bytes.count, raw.count), with: bytes)
            default: raw.insert(contentsOf: bytes, at: at)
            }
            decodeEverywhere(raw)
        }
    }

    @Test("every number in a real update replaced by an extreme one")
    func extremeNumbers() async throws {
        let extremes = [
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616",
            "1e308", "-1e309", "0.5", "-0", "1E+2", "99999999999999999999999999999999",
        ]
        let numbers = try NSRegularExpression(pattern: "(?<=[:\\[,])-?[0-9]+(\\.[0-9]+)?")
        await propertyCheck(count: 300, input: Gen.int(in: 0..<Self.fixtures.count), Gen.element(of: extremes)) {
            index, extreme in
            let text = String(decoding: Self.fixtures[index], as: UTF8.self)
            let replaced = numbers.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: extreme ?? "0")
            decodeEverywhere(Data(replaced.utf8))
        }
    }

    @Test("deep nesting, huge strings and non-JSON bytes")
    func shapes() async throws {
        await propertyCheck(count: 200, input: Gen.int(in: 1...20_000), Gen.element(of: ["[", "{\"a\":", "\""])) {
            depth, opener in
            let raw = #"{"update_id":1,"message":"# + String(repeating: opener ?? "[", count: depth)
            decodeEverywhere(Data(raw.utf8))
        }
        await propertyCheck(count: 100, input: Gen<UInt8>.value(in: 0...255).array(of: 0...2048)) { bytes in
            decodeEverywhere(Data(bytes))
        }
        let huge = String(repeating: "x\u{301}🏳️‍🌈", count: 200_000)
        let raw = #"{"update_id":5,"message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":""#
            + huge + #""}}"#
        let update = try TelegramUpdateDecoder().decode(Data(raw.utf8), botUsername: nil)
        #expect(update.message?.text == huge)
    }

    @Test("command parsing of arbitrary text")
    func commands() async {
        let scalar = Gen<UInt32>.value(in: 0...0x10FFFF)
            .map { Unicode.Scalar($0) ?? "\u{FFFD}" }
            .array(of: 0...40)
            .map { String(String.UnicodeScalarView($0)) }
        await propertyCheck(count: 500, input: scalar, Gen.letterOrNumber.string(of: 0...40)) { text, username in
            for prefix in ["/", "/start@", "/a@\(username) ", ""] {
                if let command = Command.parse(prefix + text, botUsername: username) {
                    #expect(!command.name.isEmpty)
                }
            }
        }
    }
}
