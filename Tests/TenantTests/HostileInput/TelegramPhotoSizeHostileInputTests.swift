import Foundation
import PropertyBased
import Testing

@testable import Tenant

/// Photo dimensions in an update are numbers from outside (a forged webhook delivery, a Bot API
/// server that misbehaves): none of them may trap the decoder, which runs in the host process.
@Suite("Telegram photo sizes, hostile input", .timeLimit(.minutes(5)))
struct TelegramPhotoSizeHostileInputTests {
    /// A dimension as a hostile update may write it: missing, negative, ordinary, or near `Int`'s edges.
    static let dimension = Gen.oneOf(
        Gen.int(in: -10...5000),
        Gen.int(in: (Int.max / 4)...Int.max),
        Gen.int(in: Int.min...Int.max)
    ).optional

    static func update(photo sizes: [(width: Int?, height: Int?)]) -> Data {
        let photo = sizes.enumerated().map { index, size in
            let width = size.width.map { #","width":\#($0)"# } ?? ""
            let height = size.height.map { #","height":\#($0)"# } ?? ""
            return #"{"file_id":"p\#(index)"\#(width)\#(height)}"#
        }
        let message = #"{"message_id":5,"chat":{"id":7,"type":"private"},"photo":[\#(photo.joined(separator: ","))]}"#
        return Data(#"{"update_id":1,"message":\#(message)}"#.utf8)
    }

    /// The size the decoder must pick: the largest area, counted without overflow and capped at
    /// `Int.max`, negative dimensions counting 0; on a tie the later one.
    static func largest(_ sizes: [(width: Int?, height: Int?)]) -> String {
        let areas = sizes.map { size in
            let area = Int128(max(size.width ?? 0, 0)) * Int128(max(size.height ?? 0, 0))
            return min(area, Int128(Int.max))
        }
        let best = areas.indices.last { areas[$0] == areas.max() }!
        return "p\(best)"
    }

    @Test("any dimensions decode, and the largest photo wins without an overflow")
    func anyDimensions() async throws {
        await propertyCheck(count: 300, input: zip(Self.dimension, Self.dimension).array(of: 1...5)) { sizes in
            let sizes = sizes.map { (width: $0.0, height: $0.1) }
            let message = try? TelegramUpdateDecoder().decode(Self.update(photo: sizes), botUsername: nil).message
            #expect(message?.attachment == .photo(fileID: Self.largest(sizes)))
        }
    }

    @Test("issue #14 (fuzzing): a photo of 2^62 × 4 pixels no longer traps the decoder on Int overflow")
    func overflowingArea() throws {
        let sizes: [(width: Int?, height: Int?)] = [(90, 90), (1 << 62, 4), (1280, 1280)]
        let raw = Self.update(photo: sizes)
        let message = try TelegramUpdateDecoder().decode(raw, botUsername: nil).message
        #expect(message?.attachment == .photo(fileID: "p1"))
    }
}
