import Foundation
import Testing
import Tenant
import Storage
import GRDB

/// The context's helpers that plugins share: people's time zones, what the host knows about
/// people and chats, and photos.
@Suite("Plugin context", .timeLimit(.minutes(5)))
struct PluginContextTests {
    /// Answers `tz` with the sender's time zone; `tz NAME` sets it (`tz -` clears it); `photo N`
    /// sends a photo with an N-character caption; `who ID` answers what the host knows of that
    /// person, `blocked ID` whether that chat blocked the bot.
    struct Probe: Plugin {
        static let name = "probe"
        init(configuration: NoConfiguration, bot: BotDescriptor) {}

        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let text = update.message?.text, let sender = update.sender else { return .passed }
            let words = text.split(separator: " ").map(String.init)
            switch (words.first, words.dropFirst().first) {
            case ("tz", nil):
                context.reply(try await context.timeZone(ofUser: sender.id).identifier)
            case ("tz", let name?):
                context.setTimeZone(name == "-" ? nil : TimeZone(identifier: name), ofUser: sender.id)
            case ("who", let id?):
                let user = try await context.knownUser(Int64(id)!)
                context.reply(user.map { "\($0.firstName) @\($0.username ?? "-") \($0.languageCode ?? "-")" } ?? "unknown")
            case ("blocked", let id?):
                context.reply("\(try await context.chatHasBlockedBot(Int64(id)!))")
            case ("photo", let length?):
                let caption = String(repeating: "word ", count: Int(length)! / 5)
                context.send(OutgoingMessage(
                    chatID: sender.id, text: caption, buttons: [[.callback("Like", data: "like")]], photo: "file-1"))
            default:
                return .passed
            }
            return .handled
        }
    }

    @Test("a person's time zone is the bot's until they set their own, and the bot's again once cleared")
    func timeZones() async throws {
        let bot = BotDescriptor(id: "tz-bot", name: "TZ", timeZone: TimeZone(identifier: "Europe/Moscow")!)
        let harness = try await PluginHarness<Probe>(bot: bot)
        #expect(try await harness.handle(Updates.message("tz")).sentTexts == ["Europe/Moscow"])
        _ = try await harness.handle(Updates.message("tz America/New_York"))
        #expect(try await harness.handle(Updates.message("tz")).sentTexts == ["America/New_York"])
        #expect(try await harness.handle(Updates.message("tz", from: .admin, in: Chat(id: User.admin.id, kind: .private)))
            .sentTexts == ["Europe/Moscow"], "another person keeps the bot's")
        _ = try await harness.handle(Updates.message("tz -"))
        #expect(try await harness.handle(Updates.message("tz")).sentTexts == ["Europe/Moscow"])
    }

    @Test("a photo's caption over 1024 characters: the photo carries the first part, texts follow, buttons on the last")
    func longCaption() async throws {
        let harness = try await PluginHarness<Probe>()
        let outcome = try await harness.handle(Updates.message("photo 1500"))
        let messages = outcome.actions.compactMap { action -> OutgoingMessage? in
            if case .send(let message) = action { return message }
            return nil
        }
        #expect(messages.count == 2)
        #expect(messages.map(\.photo) == ["file-1", nil])
        #expect(messages.allSatisfy { $0.text.count <= 1024 })
        #expect(messages.map(\.text).joined().count >= 1490)
        #expect(messages.map(\.buttons.isEmpty) == [true, false])

        let short = try await harness.handle(Updates.message("photo 100")).onlySentMessage
        #expect(short?.photo == "file-1")
        #expect(short?.buttons.isEmpty == false)
    }

    @Test("knownUser is the person as last stored, nil for a stranger; chatHasBlockedBot follows the chats table")
    func people() async throws {
        let harness = try await PluginHarness<Probe>()
        let alice = User.alice.id
        // The host's rows are stored by hand: the pipeline records a sender only in its update's
        // commit, after the plugin ran, so what the plugin reads is what was stored before.
        try await harness.store.write { db in
            try UserRecord(id: alice, isBot: false, firstName: "Alice", lastName: nil, username: "alice",
                           languageCode: "en", firstSeen: Date(), lastSeen: Date()).insert(db)
            try ChatRecord(id: alice, kind: "private", title: nil, username: "alice", blocked: true,
                           firstSeen: Date(), lastSeen: Date()).insert(db)
        }
        #expect(try await harness.handle(Updates.message("who \(alice)")).sentTexts == ["Alice @alice en"])
        #expect(try await harness.handle(Updates.message("who 5")).sentTexts == ["unknown"])
        // Alice's own messages above were recorded, her chat with them as not blocked: block it again.
        try await harness.store.write { db in
            try db.execute(sql: "UPDATE chats SET blocked = 1 WHERE id = ?", arguments: [alice])
        }
        #expect(try await harness.handle(Updates.message("blocked \(alice)")).sentTexts == ["true"])
        #expect(try await harness.handle(Updates.message("blocked 5")).sentTexts == ["false"])
        try await harness.forget(alice)
        #expect(try await harness.handle(Updates.message("who \(alice)")).sentTexts == ["unknown"], "forgotten")
    }
}
