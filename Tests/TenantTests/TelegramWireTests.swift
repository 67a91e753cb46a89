import Foundation
import Testing
@testable import Tenant

/// The client's pure parts: error classification, `allowed_updates`, splitting a batch, request
/// bodies and the token mask.
@Suite("Telegram wire format")
struct TelegramWireTests {
    static func envelope(_ code: Int, _ description: String, parameters: String? = nil) -> Data {
        let extra = parameters.map { #","parameters":\#($0)"# } ?? ""
        return Data(#"{"ok":false,"error_code":\#(code),"description":"\#(description)"\#(extra)}"#.utf8)
    }

    @Test(
        "answers are classified by Telegram's error code",
        arguments: [
            (401, "Unauthorized", nil, "getMe", PlatformError.Kind.unauthorized),
            (401, "Unauthorized", nil, "getUpdates", .unauthorized),
            (404, "Not Found", nil, "getMe", .unauthorized),
            (404, "Not Found", nil, "sendMessage", .permanent),
            (409, "Conflict: can't use getUpdates method while webhook is active", nil, "getUpdates", .conflict),
            (
                429, "Too Many Requests: retry after 7", #"{"retry_after":7}"#, "sendMessage",
                .rateLimited(retryAfter: .seconds(7))
            ),
            (429, "Too Many Requests", nil, "sendMessage", .rateLimited(retryAfter: .seconds(1))),
            (
                400, "Bad Request: group chat was upgraded", #"{"migrate_to_chat_id":-1001}"#, "sendMessage",
                .migrated(toChatID: -1001)
            ),
            (400, "Bad Request: message text is empty", nil, "sendMessage", .permanent),
            (403, "Forbidden: bot was kicked from the group chat", nil, "sendMessage", .blocked),
            (500, "Internal Server Error", nil, "sendMessage", .transient),
        ] as [(Int, String, String?, String, PlatformError.Kind)]
    )
    func classify(code: Int, description: String, parameters: String?, method: String, kind: PlatformError.Kind) {
        let error = TelegramClient.classify(
            status: code,
            body: Self.envelope(code, description, parameters: parameters),
            method: method
        )
        #expect(error.kind == kind)
        #expect(error.code == code)
        #expect(error.method == method)
        if kind == .unauthorized {
            #expect(error.message == "token rejected by Telegram (\(code))")
        } else {
            #expect(error.message == description)
        }
    }

    @Test(
        "an answer that is not Telegram's (a proxy's HTML page) is transient, whatever its status",
        arguments: [400, 413, 502, 504]
    )
    func notTelegram(status: Int) {
        let error = TelegramClient.classify(status: status, body: Data("<html>nope</html>".utf8), method: "sendMessage")
        #expect(error.kind == .transient)
        #expect(error.code == status)
        #expect(error.message.contains("\(status)"))
    }

    @Test(
        "allowed_updates follows the plugins' interests and always includes my_chat_member",
        arguments: [
            ([UpdateKind.message], ["channel_post", "message", "my_chat_member"]),
            (
                [.editedMessage, .callbackQuery],
                ["callback_query", "edited_channel_post", "edited_message", "my_chat_member"]
            ),
            ([.memberChange], ["my_chat_member"]),
            (
                [.other("pre_checkout_query"), .other("chat_join_request")],
                ["chat_join_request", "my_chat_member", "pre_checkout_query"]
            ),
            ([], ["my_chat_member"]),
            ([.message, .anyOther], []),
        ] as [([UpdateKind], [String])]
    )
    func allowedUpdates(kinds: [UpdateKind], names: [String]) {
        #expect(UpdateKind.telegramAllowedUpdates(for: Set(kinds)) == names)
    }

    @Test("a getUpdates batch splits into updates that keep every field, unknown ones included")
    func splitKeepsEverything() throws {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures/telegram-updates", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            .sorted()
        let originals = try files.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        var body = Data(#"{"ok":true,"result":["#.utf8)
        body.append(Data(originals.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",").utf8))
        body.append(Data("]}".utf8))

        let parts = try TelegramClient.splitUpdates(body)
        try #require(parts.count == originals.count)
        for (file, (part, original)) in zip(files, zip(parts, originals)) {
            let reparsed = try JSONSerialization.jsonObject(with: part) as? NSDictionary
            let expected = try JSONSerialization.jsonObject(with: original) as? NSDictionary
            #expect(reparsed == expected, "\(file)")
            let split = try TelegramUpdateDecoder.envelope(of: part)
            let direct = try TelegramUpdateDecoder.envelope(of: original)
            #expect((split.id, split.kind, split.lane) == (direct.id, direct.kind, direct.lane), "\(file)")
        }
        let text = try #require(
            String(data: parts[files.firstIndex(of: "text_4096_cyrillic.json")!], encoding: .utf8)
        )
        #expect(text.contains(String(repeating: "Ж", count: 4096)))
    }

    @Test("an answer without a result list is transient")
    func splitRejectsGarbage() {
        #expect(throws: PlatformError.self) { try TelegramClient.splitUpdates(Data("<html>".utf8)) }
        #expect(throws: PlatformError.self) {
            try TelegramClient.splitUpdates(Data(#"{"ok":true,"result":true}"#.utf8))
        }
    }

    @Test("sendMessage's body: reply_parameters allow a deleted original; no markup without buttons")
    func sendBody() throws {
        let quoted = try JSONEncoder().encode(
            SendMessageRequest(OutgoingMessage(chatID: 1, text: "a", replyToMessageID: 9))
        )
        let object = try #require(try JSONSerialization.jsonObject(with: quoted) as? [String: Any])
        #expect(object["reply_markup"] == nil)
        #expect(object["parse_mode"] == nil)
        let quote = try #require(object["reply_parameters"] as? [String: Any])
        #expect(quote["message_id"] as? Int == 9)
        #expect(quote["allow_sending_without_reply"] as? Bool == true)
    }

    @Test(
        "tokens are masked to their bot id",
        arguments: [
            ("123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", "123456:***"), ("no-colon", "***"), ("", "***"),
        ]
    )
    func mask(token: String, masked: String) {
        #expect(maskedToken(token) == masked)
    }
}
