import Foundation
import GRDB
import Synchronization
import Testing
@testable import Tenant
import Storage

/// `context.forgetUser(_:)`: the host's rows and every plugin's, erased in the update's commit.
@Suite("Forgetting a person", .timeLimit(.minutes(5)))
struct ForgetUserTests {
    /// `note TEXT` stores a note about the sender; `forget me` stores one more, schedules a job,
    /// asks the host to forget the sender and answers "forgotten". Passes everything else.
    struct NotesPlugin: Plugin {
        static let name = "notes"
        static let migrations = [
            PluginMigration("v1") { db in
                try db.execute(sql: "CREATE TABLE notes (user_id INTEGER NOT NULL, text TEXT NOT NULL)")
            }
        ]

        init(configuration: NoConfiguration, bot: BotDescriptor) {}

        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let text = update.message?.text, let sender = update.sender?.id else { return .passed }
            if text.hasPrefix("note ") {
                Self.note(String(text.dropFirst(5)), about: sender, context: context)
                context.reply("noted")
            } else if text == "forget me" {
                Self.note("written before forgetting", about: sender, context: context)
                context.schedule("reminder", at: context.now.addingTimeInterval(3600))
                context.forgetUser(sender)
                context.reply("forgotten")
            } else {
                return .passed
            }
            return .handled
        }

        func forget(userID: Int64, in db: Database) throws {
            try db.execute(sql: "DELETE FROM notes WHERE user_id = ?", arguments: [userID])
        }

        static func note(_ text: String, about userID: Int64, context: PluginContext) {
            context.storage.write { db in
                try db.execute(sql: "INSERT INTO notes (user_id, text) VALUES (?, ?)", arguments: [userID, text])
            }
        }
    }

    /// `tally` counts a visit of the sender. It comes after ``NotesPlugin``, so it never sees
    /// `forget me`; its ``forget(userID:in:)`` must run all the same.
    struct TallyPlugin: Plugin {
        static let name = "tally"
        static let migrations = [
            PluginMigration("v1") { db in try db.execute(sql: "CREATE TABLE tally (user_id INTEGER NOT NULL)") }
        ]

        init(configuration: NoConfiguration, bot: BotDescriptor) {}

        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard update.message?.text == "tally", let sender = update.sender?.id else { return .passed }
            context.storage.write { db in
                try db.execute(sql: "INSERT INTO tally (user_id) VALUES (?)", arguments: [sender])
            }
            context.reply("counted")
            return .handled
        }

        func forget(userID: Int64, in db: Database) throws {
            try db.execute(sql: "DELETE FROM tally WHERE user_id = ?", arguments: [userID])
        }
    }

    /// A plugin whose tables cannot be erased.
    struct StuckPlugin: Plugin {
        static let name = "stuck"
        init(configuration: NoConfiguration, bot: BotDescriptor) {}
        func handle(_ update: Update, context: PluginContext) async throws -> Disposition { .passed }
        func forget(userID: Int64, in db: Database) throws { throw StuckError.locked }
        enum StuckError: Error { case locked }
    }

    static func count(_ sql: String, _ userID: Int64, in store: BotStore) async throws -> Int {
        try await store.read { db in try Int.fetchOne(db, sql: sql, arguments: [userID]) ?? 0 }
    }

    @Test("the host's rows and every plugin's go in the update's commit; its reply still goes out")
    func forgetsEverywhere() async throws {
        let platform = ScriptedPlatform()
        let harness = TenantHarness(
            platform: platform,
            plugins: [NotesPlugin(configuration: .init(), bot: .test), TallyPlugin(configuration: .init(), bot: .test)])
        try await harness.running {
            for chat: Int64 in [7, 8] {
                platform.send(chat: chat, text: "note hello from \(chat)")
                platform.send(chat: chat, text: "tally")
            }
            _ = try await platform.waitForPerformed(4)
            platform.send(chat: 7, text: "forget me")
            let performed = try await platform.waitForPerformed(5)
            #expect(performed.last == .init(chatID: 7, text: "forgotten"))
        }

        let store = try await harness.openStore()
        for (table, column) in [("notes", "user_id"), ("tally", "user_id"), ("users", "id"), ("chats", "id"),
                                ("scheduled_jobs", "chat_id")] {
            let sql = "SELECT COUNT(*) FROM \(table) WHERE \(column) = ?"
            #expect(try await Self.count(sql, 7, in: store) == 0, "\(table) forgot person 7")
            if table != "scheduled_jobs" {
                #expect(try await Self.count(sql, 8, in: store) > 0, "\(table) keeps person 8")
            }
        }
        let outbox = try await store.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM outbox WHERE chat_id = 7")
        }
        #expect(outbox.count == 1 && outbox[0].contains("forgotten"), "only the goodbye stays, as sent")
        #expect(try await Self.count("SELECT COUNT(*) FROM inbox WHERE lane = ? AND length(payload) > 0", 7, in: store) == 0)
        #expect(try await Self.count("SELECT COUNT(*) FROM inbox WHERE lane = ? AND length(payload) > 0", 8, in: store) == 2)
    }

    @Test("the host is told of each person forgotten once the update that forgot them committed, and only then")
    func reportsForgotten() async throws {
        let platform = ScriptedPlatform()
        let events = Mutex<[TenantEvent]>([])
        let harness = TenantHarness(
            platform: platform, plugins: [NotesPlugin(configuration: .init(), bot: .test)],
            onEvent: { event in events.withLock { $0.append(event) } })
        let forgetting = Mutex<Int64>(0)
        try await harness.running {
            platform.send(chat: 8, text: "note keep me")
            forgetting.withLock { $0 = platform.send(chat: 7, text: "forget me") }
            _ = try await platform.waitForPerformed(2)
        }
        #expect(events.withLock { $0 } == [.personForgotten(userID: 7, updateID: forgetting.withLock { $0 })])
    }

    @Test("a person who writes again after being forgotten starts afresh")
    func writesAgain() async throws {
        let platform = ScriptedPlatform()
        let harness = TenantHarness(platform: platform, plugins: [NotesPlugin(configuration: .init(), bot: .test)])
        try await harness.running {
            platform.send(chat: 7, text: "note before")
            platform.send(chat: 7, text: "forget me")
            platform.send(chat: 7, text: "note after")
            _ = try await platform.waitForPerformed(3)
        }
        let store = try await harness.openStore()
        let notes = try await store.read { db in try String.fetchAll(db, sql: "SELECT text FROM notes") }
        #expect(notes == ["after"])
        #expect(try await Self.count("SELECT COUNT(*) FROM users WHERE id = ?", 7, in: store) == 1)
    }

    @Test("a plugin that cannot forget fails the update, names itself, and nothing is erased or sent")
    func failingForget() async throws {
        let platform = ScriptedPlatform()
        let harness = TenantHarness(
            platform: platform,
            plugins: [NotesPlugin(configuration: .init(), bot: .test), StuckPlugin(configuration: .init(), bot: .test)])
        let forgetID = try await harness.running {
            platform.send(chat: 7, text: "note kept")
            let id = platform.send(chat: 7, text: "forget me")
            platform.send(chat: 7, text: "note next")
            let performed = try await platform.waitForPerformed(2)
            #expect(performed.map(\.text) == ["noted", "noted"])
            return id
        }
        let store = try await harness.openStore()
        let (status, error) = try #require(try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT status, error FROM inbox WHERE update_id = ?", arguments: [forgetID])
                .map { ($0["status"] as String, $0["error"] as String?) }
        })
        #expect(status == "failed")
        #expect(error?.contains("plugin 'stuck' failed") == true, "\(error ?? "no error")")
        let notes = try await store.read { db in try String.fetchAll(db, sql: "SELECT text FROM notes") }
        #expect(notes == ["kept", "next"])
        #expect(try await Self.count("SELECT COUNT(*) FROM users WHERE id = ?", 7, in: store) == 1)
    }
}
