import Foundation
import PropertyBased
import Testing
@testable import Tenant

/// The neutral outgoing model on Matrix: parts, HTML, buttons, replies, edits, errors, commands.
@Suite("Matrix: message contents")
struct MatrixContentTests {
    @Test("a text of any size is cut into pieces of at most the limit, which join to the text")
    func pieces() async {
        await propertyCheck(
            count: 200,
            input: Gen.oneOf(Gen.latin1.string(of: 0...3_000), Gen.letter.string(of: 0...3_000)),
            Gen.int(in: 1...500)
        ) { text, limit in
            let pieces = MatrixMessageContent.pieces(of: text, largest: limit)
            #expect(pieces.joined() == text)
            #expect(pieces.allSatisfy { $0.utf8.count <= limit || $0.count == 1 })
        }
    }

    @Test("a 150 kB text is sent as parts under 64 KiB; body plus formatted_body counts for HTML")
    func split() {
        let text = String(repeating: "line of text\n", count: 12_000)
        let parts = MatrixMessageContent.parts(
            of: OutgoingMessage(chatID: 1, text: text),
            messageType: "m.notice",
            replyTo: "$q"
        )
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { ($0["body"] as? String)!.utf8.count <= MatrixMessageContent.largestText })
        #expect(parts.map { $0["body"] as! String }.joined() == text)
        #expect(parts[0]["m.relates_to"] != nil && parts[1]["m.relates_to"] == nil)
        let html = String(repeating: "<b>x</b>", count: 5_000)
        let one = MatrixMessageContent.parts(
            of: OutgoingMessage(chatID: 1, text: html, parseMode: .html),
            messageType: "m.text",
            replyTo: nil
        )
        #expect(one.count == 1 && one[0]["format"] as? String == "org.matrix.custom.html")
        #expect(one[0]["body"] as? String == String(repeating: "x", count: 5_000))
    }

    @Test("buttons become numbered lines; an edit is an m.replace with the new content")
    func buttonsAndEdits() {
        let buttons: [[InlineButton]] = [
            [.callback("Yes", data: "y"), .url("Site", url: "https://e.org")], [.callback("No", data: "n")],
        ]
        let (plain, _) = MatrixMessageContent.texts("Pick", parseMode: nil, buttons: buttons)
        #expect(plain == "Pick\n\n1. Yes\nSite: https://e.org\n2. No")
        #expect(
            MatrixMessageContent.numbered(buttons) == [
                MatrixButton(label: "Yes", data: "y"), MatrixButton(label: "No", data: "n"),
            ]
        )
        let edit = MatrixMessageContent.replacement(
            of: "$orig",
            with: MessageEdit(chatID: 1, messageID: 2, text: "new"),
            messageType: "m.notice"
        )
        #expect((edit["m.relates_to"] as? [String: String]) == ["rel_type": "m.replace", "event_id": "$orig"])
        #expect((edit["m.new_content"] as? [String: Any])?["body"] as? String == "new")
    }

    @Test("answers map to the sender's kinds: 429 with retry_after_ms, 401, 403, 413, 5xx")
    func errors() {
        func kind(_ status: Int, _ body: String = "{}") -> PlatformError.Kind {
            MatrixErrors.error(status: status, body: Data(body.utf8), method: "send").kind
        }
        #expect(
            kind(429, #"{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":1500}"#)
                == .rateLimited(retryAfter: .milliseconds(1500))
        )
        #expect(kind(429, #"{"retry_after_ms":1e300}"#) == .rateLimited(retryAfter: .milliseconds(3_600_000)))
        #expect(kind(401) == .unauthorized)
        #expect(kind(403) == .blocked)
        #expect(kind(413) == .permanent)
        #expect(kind(502) == .transient)
    }

    @Test("commands begin with ! or /; a reply's fallback is not part of the text")
    func commands() throws {
        #expect(MatrixUpdateDecoder.command(in: "!start now", botUsername: nil)?.name == "start")
        #expect(MatrixUpdateDecoder.command(in: "/help", botUsername: nil)?.name == "help")
        #expect(MatrixUpdateDecoder.command(in: "hello", botUsername: nil) == nil)
        let inbound = MatrixInbound(
            kind: .message,
            eventType: "m.room.message",
            chat: 5,
            direct: true,
            sender: 7,
            senderID: "@ann:x",
            message: 9,
            text: "!start",
            timestamp: 1_000
        )
        let raw = try JSONEncoder().encode(MatrixUpdateDecoder.Stored(id: 42, inbound: inbound, event: Data("{}".utf8)))
        let update = try MatrixUpdateDecoder().decode(raw, botUsername: "aviary_echo")
        #expect(update.id == 42 && update.message?.command?.name == "start" && update.chat?.kind == .private)
    }
}
