import FakeBotAPI
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `dating` plugin in the real `aviary` binary against the fake Bot API: profiles, a match,
/// a relayed message, a report threshold, the daily limit and a deletion checked in the file:
/// the host's rows and `followups`' go with the dating ones.
@Suite("End to end: dating", .serialized, .timeLimit(.minutes(5)))
struct DatingEndToEndTests {
    static let token = "3001:" + String(repeating: "d", count: 35)

    static let bob = FakeUser(id: 501, firstName: "Bob", username: "bob", languageCode: "en")
    static let alice = FakeUser(id: 502, firstName: "Alice", languageCode: "en")
    static let carl = FakeUser(id: 503, firstName: "Carl", languageCode: "en")
    static let dave = FakeUser(id: 504, firstName: "Dave", languageCode: "en")
    static let ed = FakeUser(id: 505, firstName: "Ed", languageCode: "en")
    static let ivo = FakeUser(id: 506, firstName: "Ivo", languageCode: "en")
    static let fay = FakeUser(id: 507, firstName: "Fay", languageCode: "en")
    static let gia = FakeUser(id: 508, firstName: "Gia", languageCode: "en")

    static func manifest(apiURL: URL) -> String {
        BinaryEndToEndTests.manifest(id: "dating", token: token, apiURL: apiURL, plugins: """
              - followups:
                  after_hours: 24
                  messages: ["How was your day?"]
              - dating:
                  daily_likes: 1
                  report_threshold: 2
            """)
    }

    @Test("two people match and talk, two reports hide a profile, the daily limit holds, delete erases the rows")
    func dating() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let sandbox = try HostSandbox()
        fake.addBot(token: Self.token, userID: 9300, username: "dating_bot")
        try sandbox.writeManifest("dating", Self.manifest(apiURL: fake.baseURL))
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        var chat = Conversation(fake: fake, token: Self.token)

        // Two people fill their profiles, browse and like each other; both get the match.
        try await chat.fillProfile(Self.bob, age: 30, gender: "m", seeking: "f", city: "Lisbon")
        try await chat.fillProfile(Self.alice, age: 28, gender: "f", seeking: "m", city: "Lisbon")
        let aliceCard = try await chat.say("/browse", from: Self.bob, expecting: 1)[0]
        #expect(aliceCard.method == "sendPhoto")
        #expect(aliceCard.photo == "photo-502")
        #expect(aliceCard.text == "Alice, 28, Lisbon\n\nAbout Alice.")
        let liked = try await chat.press("dt:l:502", on: aliceCard, from: Self.bob, expecting: 2)
        #expect(liked[0].method == "editMessageReplyMarkup" && liked[0].messageID == aliceCard.messageID,
                "the spent card loses its buttons")
        #expect(liked[0].buttons.isEmpty)
        let bobCard = try await chat.say("/browse", from: Self.alice, expecting: 1)[0]
        #expect(bobCard.text == "Bob, 30, Lisbon\n\nAbout Bob.")
        let match = try await chat.press("dt:l:501", on: bobCard, from: Self.alice, expecting: 4)
        let toAlice = try #require(match.first { $0.chatID == Self.alice.id && $0.method == "sendPhoto" })
        let toBob = try #require(match.first { $0.chatID == Self.bob.id })
        #expect(toAlice.text == "It's a match! You and Bob like each other. Say hello!")
        #expect(toAlice.buttons.first?.first?.url == "https://t.me/bob")
        #expect(toBob.text.hasPrefix("It's a match! You and Alice like each other. Alice has no public username"))
        #expect(toBob.buttons.first?.first?.callbackData == "dt:w:502")
        let relayed = try await chat.say("Hi Alice, coffee?", from: Self.bob, expecting: 2)
        #expect(relayed.contains { $0.chatID == Self.alice.id && $0.text == "💌 Bob writes:\n\nHi Alice, coffee?" })

        // Two different people's reports hide Alice from everyone else.
        for man in [Self.carl, Self.dave] {
            try await chat.fillProfile(man, age: 29, gender: "m", seeking: "f", city: "Lisbon")
            let card = try await chat.say("/browse", from: man, expecting: 1)[0]
            #expect(card.photo == "photo-502")
            let prompt = try await chat.press("dt:r:502", on: card, from: man, expecting: 1)[0]
            #expect(prompt.text == "Why are you reporting Alice?")
            let done = try await chat.press("dt:x:502:fake", on: prompt, from: man, expecting: 2)
            #expect(done.contains { $0.method == "editMessageText" && $0.messageID == prompt.messageID })
        }
        try await chat.fillProfile(Self.ed, age: 31, gender: "m", seeking: "f", city: "Lisbon")
        #expect(try await chat.say("/browse", from: Self.ed, expecting: 1).map(\.text) == [
            "No new profiles right now. Try again later.",
        ])

        // The daily limit (1 in the manifest) holds.
        try await chat.fillProfile(Self.ivo, age: 35, gender: "m", seeking: "f", city: "Porto")
        try await chat.fillProfile(Self.fay, age: 34, gender: "f", seeking: "m", city: "Porto")
        try await chat.fillProfile(Self.gia, age: 36, gender: "f", seeking: "a", city: "Porto")
        let giaCard = try await chat.say("/browse", from: Self.ivo, expecting: 1)[0]
        let fayCard = try #require(
            try await chat.press("dt:l:508", on: giaCard, from: Self.ivo, expecting: 2).first { $0.method == "sendPhoto" })
        #expect(fayCard.photo == "photo-507")
        #expect(try await chat.press("dt:l:507", on: fayCard, from: Self.ivo, expecting: 1).map(\.text) == [
            "That's all your likes for today (1 a day). More tomorrow!",
        ], "over the limit the card keeps its buttons, to skip")

        // Alice deletes her profile.
        let profile = try await chat.say("/profile", from: Self.alice, expecting: 1)[0]
        #expect(profile.text.hasPrefix("Alice, 28, Lisbon"))
        let confirm = try await chat.press("dt:d", on: profile, from: Self.alice, expecting: 1)[0]
        let erased = try await chat.press("dt:dy", on: confirm, from: Self.alice, expecting: 1)[0]
        #expect(erased.text == "Everything the bot stored about you is erased. Send /start to begin again.")

        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        let database = try DatabaseQueue(path: sandbox.dataDirectory + "/dating.sqlite")
        try await database.read { db in
            for (table, columns) in Self.personColumns {
                let condition = columns.map { "\($0) = 502" }.joined(separator: " OR ")
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)")
                #expect(count == 0, "\(table) still mentions Alice")
            }
            for (table, column) in Self.hostPersonColumns {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(column) = 502")
                #expect(count == 0, "\(table) still mentions Alice")
                let bob = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(column) = 501")
                #expect(bob == 1, "\(table) forgot Bob too")
            }
            let outboxUpdates = try Int.fetchOne(
                db, sql: "SELECT COUNT(DISTINCT update_id) FROM outbox WHERE chat_id = 502")
            #expect(outboxUpdates == 1, "only the answer to her delete stays in her outbox, as sent")
            let payloads = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM inbox WHERE lane = 502 AND length(payload) > 0")
            #expect(payloads == 0, "what she sent is blanked")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dating_profiles") == 7)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dating_likes WHERE from_id = 506") == 1)
        }
    }

    /// The host's and `followups`' tables that hold one row per person, with its id column.
    static let hostPersonColumns: [(String, String)] = [
        ("users", "id"), ("chats", "id"), ("scheduled_jobs", "chat_id"), ("followups_people", "user_id"),
    ]

    /// Every `dating` table, with the columns that hold a user id.
    static let personColumns: [(String, [String])] = [
        ("dating_profiles", ["user_id", "current_card"]), ("dating_likes", ["from_id", "to_id"]),
        ("dating_views", ["from_id", "to_id"]), ("dating_blocks", ["from_id", "to_id"]),
        ("dating_reports", ["from_id", "to_id"]), ("dating_matches", ["low_id", "high_id"]),
        ("dating_relays", ["from_id", "to_id"]), ("dating_bans", ["user_id"]),
    ]
}

/// Sends one update at a time through the fake and returns what the bot sent in answer.
private struct Conversation {
    let fake: FakeBotAPI
    let token: String
    private var seen = 0

    init(fake: FakeBotAPI, token: String) {
        self.fake = fake
        self.token = token
    }

    /// Sends a text and waits for `count` messages from the bot.
    mutating func say(_ text: String, from user: FakeUser, expecting count: Int) async throws -> [SentMessage] {
        fake.sendText(token: token, chatID: user.id, from: user, text: text)
        return try await collect(count)
    }

    /// Presses a button of `message` and waits for `count` messages (edits count).
    mutating func press(
        _ data: String, on message: SentMessage, from user: FakeUser, expecting count: Int
    ) async throws -> [SentMessage] {
        #expect(message.buttons.joined().contains { $0.callbackData == data }, "no button \(data) on \(message.text)")
        fake.pressButton(token: token, chatID: user.id, from: user, messageID: message.messageID, data: data)
        return try await collect(count)
    }

    /// Sends a photo (its largest size's file id is `photo-<user id>`) and waits for `count` messages.
    mutating func sendPhoto(from user: FakeUser, expecting count: Int) async throws -> [SentMessage] {
        let sizes: [[String: any Sendable]] = [
            ["file_id": "thumb-\(user.id)", "file_unique_id": "t\(user.id)", "width": 90, "height": 90],
            ["file_id": "photo-\(user.id)", "file_unique_id": "p\(user.id)", "width": 800, "height": 800],
        ]
        var from: [String: any Sendable] = ["id": user.id, "is_bot": false, "first_name": user.firstName]
        if let username = user.username { from["username"] = username }
        if let language = user.languageCode { from["language_code"] = language }
        fake.enqueueUpdate(token: token, type: "message", payload: [
            "message_id": Int64(user.id * 1000), "date": Int(Date().timeIntervalSince1970),
            "chat": ["id": user.id, "type": "private", "first_name": user.firstName] as [String: any Sendable],
            "from": from, "photo": sizes,
        ])
        return try await collect(count)
    }

    /// Runs the wizard for `user`, checking each step's answer.
    mutating func fillProfile(_ user: FakeUser, age: Int, gender: String, seeking: String, city: String) async throws {
        #expect(try await say("/start", from: user, expecting: 2).last?.text == "What's your name?")
        #expect(try await say(user.firstName, from: user, expecting: 1).map(\.text) == ["How old are you?"])
        let genderQuestion = try await say("\(age)", from: user, expecting: 1)[0]
        let seekingQuestion = try await press("dt:g:\(gender)", on: genderQuestion, from: user, expecting: 1)[0]
        #expect(try await press("dt:s:\(seeking)", on: seekingQuestion, from: user, expecting: 1).map(\.text)
            == ["Which city do you live in?"])
        _ = try await say(city, from: user, expecting: 1)
        _ = try await say("About \(user.firstName).", from: user, expecting: 1)
        let ready = try await sendPhoto(from: user, expecting: 1)
        #expect(ready.first?.text.hasPrefix("Your profile is ready!") == true)
    }

    private mutating func collect(_ count: Int) async throws -> [SentMessage] {
        let sent = try await fake.waitForSentMessages(token: token, count: seen + count, timeout: .seconds(60))
        defer { seen += count }
        return Array(sent[seen..<(seen + count)])
    }
}
