import Foundation
import PropertyBased
import Testing
@testable import Tenant

/// An update is decoded once, on receipt, before the bot's username is applied; the dispatcher
/// then applies it with ``Update/addressed(to:)``. For any message text and any username that
/// must give the same update as decoding the stored bytes with the username, which is what the
/// dispatcher did before.
@Suite("Decode once: the update decoded on receipt is the one decoding would give", .timeLimit(.minutes(5)))
struct DecodeOnceHostileInputTests {
    /// Command-like texts: names, mentions in any case, arguments, and near misses.
    static let slashes = ["/", "", " /", "//"]
    static let names = ["start", "Start", "help_me", "a", String(repeating: "x", count: 65), "é", "go-on", ""]
    static let mentions = ["", "@", "@han_bot", "@HAN_BOT", "@other_bot", "@han_bot@x", "@han", "@Han_Bot "]
    static let tails = ["", " hi", " two words ", "\nnext line", "\t"]
    static let usernames: [String?] = [nil, "han_bot", "HAN_BOT", "other_bot", "han"]

    /// A command-like text made of the four parts at these indices.
    static func text(_ parts: [Int]) -> String {
        slashes[parts[0] % slashes.count] + names[parts[1] % names.count] + mentions[parts[2] % mentions.count]
            + tails[parts[3] % tails.count]
    }

    /// The update as Telegram sends it: a message, an edit, a channel post, or a button press
    /// on a message, holding `text` (or a caption).
    static func raw(_ text: String, kind: Int, caption: Bool) throws -> Data {
        let field = caption ? "caption" : "text"
        let message: [String: Any] = [
            "message_id": 7, "date": 1_700_000_000, "chat": ["id": 42, "type": "private"],
            "from": ["id": 42, "is_bot": false, "first_name": "Eve"], field: text,
        ]
        let payload: (String, Any)
        switch kind {
        case 0: payload = ("message", message)
        case 1: payload = ("edited_message", message)
        case 2: payload = ("channel_post", message)
        default:
            payload = (
                "callback_query",
                ["id": "q1", "from": ["id": 42, "is_bot": false, "first_name": "Eve"], "message": message, "data": "x"]
            )
        }
        return try JSONSerialization.data(withJSONObject: ["update_id": 1, payload.0: payload.1])
    }

    @Test("any command text, any username, any message kind: received then addressed equals decoded")
    func receivedEqualsDecoded() async throws {
        let parts: Generator<[Int], _> = Gen.int(in: 0...63).array(of: 4)
        await propertyCheck(
            count: 800, input: parts, Gen.int(in: 0..<Self.usernames.count), Gen.int(in: 0...3), Gen.bool
        ) { parts, userIndex, kind, caption in
            let text = Self.text(parts)
            let username = Self.usernames[userIndex]
            let raw = try #require(try? Self.raw(text, kind: kind, caption: caption))
            let received = try #require(try? TelegramUpdateDecoder.envelope(of: raw))
            let decoded = try #require(try? TelegramUpdateDecoder().decode(raw, botUsername: username))
            let addressed = try #require(received.update).addressed(to: username)
            #expect(addressed.message == decoded.message, "text \(text.debugDescription), bot \(String(describing: username))")
            #expect(addressed.kind == decoded.kind)
            if case .editedMessage(let edited) = addressed.content, case .editedMessage(let expected) = decoded.content {
                #expect(edited == expected)
            }
            if case .callbackQuery(let query) = addressed.content, case .callbackQuery(let expected) = decoded.content {
                #expect(query == expected)
            }
        }
    }

    @Test("a payload the model cannot read is still received, without a decoded update, for the dispatcher to fail")
    func unreadablePayloadIsKept() throws {
        let raw = Data(#"{"update_id": 9, "message": {"message_id": "not a number", "chat": {"id": 5}}}"#.utf8)
        let received = try TelegramUpdateDecoder.envelope(of: raw)
        #expect(received.id == 9 && received.lane == 5 && received.kind == "message")
        #expect(received.update == nil)
        #expect(throws: DecodingError.self) { try TelegramUpdateDecoder().decode(raw, botUsername: nil) }
    }
}
