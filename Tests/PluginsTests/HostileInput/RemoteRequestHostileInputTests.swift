import Foundation
import PropertyBased
import Tenant
import Testing
@testable import Plugins

/// Whatever a person writes (quotes, backslashes, control characters, emoji, a forged JSON
/// tail), the body the host POSTs to a remote plugin is one JSON object that reads back exactly
/// what the update held; a stored state value arrives as the JSON it was stored as.
@Suite("Remote plugin requests: hostile input", .timeLimit(.minutes(5)))
struct RemoteRequestHostileInputTests {
    static let fragments = [
        "a", "\"", "\\", "\\\"", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1f}", "\u{7f}", "/", "</script>",
        "é", "中", "😀", "👨‍👩‍👧‍👦", "e\u{301}", "\u{2028}", "\u{2029}", #""},"x":{"#, "]", "}", " ",
        "\\u0000", "null",
    ]
    static let texts = Gen.int(in: 0...(fragments.count - 1)).array(of: 0...40)
        .map { indices in indices.map { fragments[$0] }.joined() }
    /// Stored state values: JSON the host wrote, spliced into the body unchanged.
    static let values = [
        "1", "-0.5", "1e300", "true", "null", #""x\"y\\z\u0000""#, "[]", #"[1,"a",{"b":[null]}]"#,
        #"{"k":{"v":"😀"}}"#, #""\u2028""#,
    ]
    static let bot = BotDescriptor(id: "bot-1", name: "Bot", brand: "han", locale: "en")
    static let identity = BotIdentity(userID: 9, username: "han_bot", displayName: "Han")

    static func json(_ request: RemoteRequest) throws -> [String: Any] {
        let body = request.body(bot: bot, identity: identity, attempt: 2)
        return try #require(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }

    @Test("a message's every text field reads back exactly, whatever characters it holds")
    func messageText() async {
        await propertyCheck(count: 300, input: Self.texts, Self.texts, Self.texts) { text, name, title in
            let person = User(id: 7, firstName: name, lastName: text, username: title, languageCode: "en")
            let chat = Chat(id: -100, kind: .supergroup, title: title, username: name)
            let message = Message(
                id: 3, chat: chat, sender: person, date: Date(timeIntervalSince1970: 1_800_000_000), text: text,
                command: Command(name: name, mention: title, arguments: text),
                attachment: .document(fileID: title, fileName: name))
            let request = RemoteRequest(
                event: .update(Update(id: 42, content: .message(message), raw: Data())), chatState: [:],
                personState: [:], chat: chat, person: person, personTimeZone: TimeZone(identifier: "Asia/Seoul"))
            let json = try #require(try? Self.json(request), "the body is not JSON")
            let update = try #require(json["update"] as? [String: Any])
            let sent = try #require(update["message"] as? [String: Any])
            #expect(sent["text"] as? String == text)
            let from = sent["from"] as? [String: Any]
            #expect(from?["first_name"] as? String == name && from?["last_name"] as? String == text)
            #expect((sent["chat"] as? [String: Any])?["title"] as? String == title)
            let command = sent["command"] as? [String: Any]
            #expect(command?["name"] as? String == name && command?["arguments"] as? String == text)
            #expect((sent["attachment"] as? [String: Any])?["file_name"] as? String == name)
            let facts = json["person"] as? [String: Any]
            #expect(facts?["username"] as? String == title && facts?["time_zone"] as? String == "Asia/Seoul")
            #expect(json["idempotency_key"] as? String == "bot-1:42" && json["attempt"] as? Int == 2)
        }
    }

    @Test("a button press, a member change and a job read back exactly; a non-finite number is null")
    func otherEvents() async throws {
        await propertyCheck(count: 200, input: Self.texts, Self.texts) { data, status in
            let person = User(id: 8, firstName: status)
            let chat = Chat(id: 8, kind: .private)
            let pressed = CallbackQuery(id: status, sender: person, message: nil, data: data)
            let press = RemoteRequest(
                event: .update(Update(id: 1, content: .callbackQuery(pressed), raw: Data())), chatState: [:],
                personState: [:], chat: nil, person: person, personTimeZone: nil)
            let callback = (try? Self.json(press))?["update"] as? [String: Any]
            #expect((callback?["callback_query"] as? [String: Any])?["data"] as? String == data)
            let change = MemberChange(
                chat: chat, actor: person, member: person, oldStatus: status, newStatus: data, concernsBot: true)
            let member = RemoteRequest(
                event: .update(Update(id: 2, content: .memberChange(change), raw: Data())), chatState: [:],
                personState: [:], chat: chat, person: person, personTimeZone: nil)
            let changed = ((try? Self.json(member))?["update"] as? [String: Any])?["member_change"] as? [String: Any]
            #expect(changed?["new_status"] as? String == data && changed?["concerns_bot"] as? Bool == true)
            let due = Date(timeIntervalSince1970: 1_800_000_000.5)
            let job = ScheduledJob(chatID: 8, key: "k", dueAt: due, payload: data)
            let fired = RemoteRequest(
                event: .job(job), chatState: [:], personState: [:], chat: nil, person: nil, personTimeZone: nil)
            let sent = (try? Self.json(fired))?["job"] as? [String: Any]
            #expect(sent?["payload"] as? String == data && sent?["due_at"] as? Double == 1_800_000_000.5)
        }
        let location = Message(
            id: 1, chat: Chat(id: 1, kind: .private), sender: nil, date: Date(timeIntervalSince1970: 0),
            attachment: .location(latitude: .nan, longitude: -.infinity))
        let request = RemoteRequest(
            event: .update(Update(id: 1, content: .message(location), raw: Data())), chatState: [:],
            personState: [:], chat: nil, person: nil, personTimeZone: nil)
        let attachment = ((try Self.json(request)["update"] as? [String: Any])?["message"] as? [String: Any])?[
            "attachment"] as? [String: Any]
        #expect(attachment?["latitude"] is NSNull && attachment?["longitude"] is NSNull)
    }

    @Test("a byte-order mark is sent as it is (Foundation's JSON reader drops one at a string's start)")
    func byteOrderMark() throws {
        let message = Message(
            id: 1, chat: Chat(id: 1, kind: .private), sender: nil, date: Date(timeIntervalSince1970: 0),
            text: "\u{feff}\u{feff}x\u{feff}")
        let request = RemoteRequest(
            event: .update(Update(id: 1, content: .message(message), raw: Data())), chatState: [:],
            personState: [:], chat: nil, person: nil, personTimeZone: nil)
        let body = request.body(bot: Self.bot, identity: Self.identity, attempt: 1)
        let expected = Array(#""text":"\#u{feff}\#u{feff}x\#u{feff}""#.utf8)
        #expect(body.indices.contains { body[$0...].starts(with: expected) })
    }

    @Test("stored state values arrive as the JSON they were stored as, under their keys")
    func stateSpliced() async {
        let keys = Gen.int(in: 0...(Self.values.count - 1)).array(of: 0...12)
        await propertyCheck(count: 300, input: keys, keys) { chatPicks, personPicks in
            let chatState = Dictionary(
                chatPicks.enumerated().map { ("c\($0.offset)", Data(Self.values[$0.element].utf8)) },
                uniquingKeysWith: { first, _ in first })
            let personState = Dictionary(
                personPicks.enumerated().map { ("p.\($0.offset)", Data(Self.values[$0.element].utf8)) },
                uniquingKeysWith: { first, _ in first })
            let request = RemoteRequest(
                event: .job(ScheduledJob(chatID: 5, key: "k", dueAt: Date(timeIntervalSince1970: 0))),
                chatState: chatState, personState: personState, chat: nil, person: nil, personTimeZone: nil)
            let state = (try? Self.json(request))?["state"] as? [String: Any]
            for (scope, stored) in [("chat", chatState), ("person", personState)] {
                let sent = state?[scope] as? [String: Any]
                #expect(sent?.count == stored.count, "\(scope)")
                for (key, value) in stored {
                    let expected = try? JSONSerialization.jsonObject(with: value, options: .fragmentsAllowed)
                    #expect(
                        (sent?[key]).map { "\($0)" } == expected.map { "\($0)" },
                        "\(scope).\(key): \(String(decoding: value, as: UTF8.self))")
                }
            }
        }
    }
}
