import Foundation
import Testing
import Plugins
import Tenant
import Storage
import GRDB

@Suite("AdminPlugin", .timeLimit(.minutes(5)))
struct AdminPluginTests {
    /// A harness whose bot has run for 2d 3h 4m 5s and failed 5m 2s ago.
    static func harness() async throws -> PluginHarness<AdminPlugin> {
        var harness = try await PluginHarness<AdminPlugin>()
        harness.status.startedAt = harness.now.addingTimeInterval(-(2 * 86_400 + 3 * 3600 + 4 * 60 + 5))
        harness.status.store.updatesHandled = 1200
        harness.status.store.updatesFailed = 3
        harness.status.store.inboxDepth = 4
        harness.status.store.outboxDepth = 2
        harness.status.store.messagesSent = 1187
        harness.status.store.messagesDead = 1
        harness.status.store.lastError = "Forbidden: bot was blocked by the user"
        harness.status.store.lastErrorAt = harness.now.addingTimeInterval(-302)
        return harness
    }

    /// Stores Alice's user row, as if she had written; returns her id.
    static func storeAlice(_ harness: PluginHarness<AdminPlugin>) async throws -> Int64 {
        let alice = User.alice.id
        try await harness.store.write { db in
            try UserRecord(id: alice, isBot: false, firstName: "Alice", lastName: nil, username: "alice",
                           languageCode: "en", firstSeen: harness.now, lastSeen: harness.now).insert(db)
        }
        return alice
    }

    @Test("/status tells an admin the uptime, counters, queues and last error")
    func status() async throws {
        let harness = try await Self.harness()
        let outcome = try await harness.handle(Updates.message("/status", from: .admin, in: Chat(id: 42, kind: .private)))
        #expect(outcome.disposition == .handled)
        let message = try #require(outcome.onlySentMessage)
        #expect(message.chatID == 42)
        #expect(message.parseMode == nil)
        #expect(message.text == """
            Test Bot (test-bot)
            Uptime: 2d 3h 4m
            Updates: 1200 handled, 3 failed
            Queues: inbox 4, outbox 2
            Messages: 1187 sent, 1 dead
            Last error (5m 2s ago): Forbidden: bot was blocked by the user
            """)
    }

    @Test("/status without errors says so, and works when addressed to the bot in a group")
    func statusWithoutError() async throws {
        var harness = try await Self.harness()
        harness.status.store.lastError = nil
        harness.status.store.lastErrorAt = nil
        let outcome = try await harness.handle(Updates.message("/status@aviary_test_bot", from: .admin, in: .group))
        let message = try #require(outcome.onlySentMessage)
        #expect(message.chatID == Chat.group.id)
        #expect(message.text.hasSuffix("\nLast error: none"))
    }

    @Test("anyone who is not an admin passes, whatever the command", arguments: [
        "/status", "/help", "/deadletters", "/retry all", "/broadcast Hi",
    ])
    func passesNonAdmins(text: String) async throws {
        let harness = try await Self.harness()
        let outcome = try await harness.handle(Updates.message(text, from: .alice))
        #expect(outcome.disposition == .passed)
        #expect(outcome.actions.isEmpty)
        #expect(outcome.deliveries.isEmpty)
    }

    @Test("an admin's other commands and texts pass", arguments: ["/start", "/statuses", "status", "hello"])
    func passesOtherCommands(text: String) async throws {
        let harness = try await Self.harness()
        let outcome = try await harness.handle(Updates.message(text, from: .admin))
        #expect(outcome.disposition == .passed)
        #expect(outcome.actions.isEmpty)
    }

    @Test("/help lists the admin commands and passes on, so the bot's own /help answers an admin too")
    func help() async throws {
        let harness = try await Self.harness()
        let outcome = try await harness.handle(Updates.message("/help", from: .admin))
        #expect(outcome.disposition == .passed)
        let text = try #require(outcome.onlySentMessage?.text)
        for command in ["/status", "/deadletters", "/retry", "/broadcast", "/forget", "/export", "/help"] {
            #expect(text.contains(command), "\(command)")
        }
    }

    @Test("/forget erases a person the bot knows; a missing or bad id gets the usage")
    func forget() async throws {
        let harness = try await Self.harness()
        let alice = try await Self.storeAlice(harness)
        let forgotten = try await harness.handle(Updates.message("/forget \(alice)", from: .admin))
        #expect(forgotten.forgotten == [alice])
        #expect(forgotten.sentTexts.first?.hasPrefix("Everything stored about \(alice) is erased") == true)
        // The admin who sent the command is recorded by the same commit: count Alice's rows.
        let users = try await harness.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE id = ?", arguments: [alice])
        }
        #expect(users == 0)
        for bad in ["/forget", "/forget alice", "/forget -5"] {
            let outcome = try await harness.handle(Updates.message(bad, from: .admin))
            #expect(outcome.forgotten.isEmpty, "\(bad)")
            #expect(outcome.sentTexts.first?.hasPrefix("Usage: /forget <user id>") == true, "\(bad)")
        }
        #expect(try await harness.handle(Updates.message("/forget \(alice)", from: .alice)).disposition == .passed,
                "only admins")
    }

    @Test("/export answers an admin with a summary and the JSON, noted for the audit log; a bad id gets the usage")
    func export() async throws {
        let harness = try await Self.harness()
        let alice = try await Self.storeAlice(harness)
        let exported = try await harness.handle(Updates.message("/export \(alice)", from: .admin))
        #expect(exported.exported == [alice], "the host records who exported whom once it commits")
        #expect(exported.sentTexts.first == "Stored about \(alice), rows by source: host 1.")
        let json = try #require(exported.sentTexts.last?.data(using: .utf8))
        let document = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(document["user_id"] as? Int64 == alice && document["bot"] as? String == "test-bot")
        let host = try #require((document["host"] as? [String: Any])?["tables"] as? [String: [[String: Any]]])
        #expect(host["users"]?.first?["first_name"] as? String == "Alice")

        let stranger = try await harness.handle(Updates.message("/export 77", from: .admin))
        #expect(stranger.sentTexts == ["Nothing is stored about 77."])
        for bad in ["/export", "/export alice", "/export -5", "/export 0", "/export 99999999999999999999"] {
            let outcome = try await harness.handle(Updates.message(bad, from: .admin))
            #expect(outcome.exported.isEmpty, "\(bad)")
            #expect(outcome.sentTexts.first?.hasPrefix("Usage: /export <user id>") == true, "\(bad)")
        }
        #expect(try await harness.handle(Updates.message("/export \(alice)", from: .alice)).disposition == .passed,
                "only admins")
    }

    @Test("/export of a document longer than the chat allows sums it up and names the API operation")
    func exportTooLong() async throws {
        let harness = try await Self.harness()
        let alice = User.alice.id
        try await harness.store.write { db in
            for index in 0..<300 {
                var row = OutboxRecord(
                    chatID: alice, updateID: nil, payload: String(repeating: "x", count: 100) + "\(index)", createdAt: Date())
                try row.insert(db)
            }
        }
        let exported = try await harness.handle(Updates.message("/export \(alice)", from: .admin))
        let text = try #require(exported.onlySentMessage?.text)
        #expect(text.hasPrefix("Stored about \(alice), rows by source: host 300. The JSON is too long for the chat ("))
        #expect(text.hasSuffix("fetch it with GET /api/v1/bots/test-bot/people/\(alice)/export."))
    }

    @Test("plugins without tables about people export nothing: admin, echo, replies")
    func emptyExports() async throws {
        let replies = try await RepliesFixture.harness()
        _ = try await replies.handle(Updates.message("/help"))
        #expect(try await replies.export(User.alice.id).plugins["replies"]?.tables.isEmpty == true)
        let echo = try await PluginHarness<EchoPlugin>()
        _ = try await echo.handle(Updates.message("hi"))
        #expect(try await echo.export(User.alice.id).plugins["echo"]?.tables.isEmpty == true)
        #expect(try await Self.harness().export(User.alice.id).plugins["admin"]?.tables.isEmpty == true)
    }

    @Test("/deadletters lists messages given up on, newest first")
    func deadLetters() async throws {
        let harness = try await Self.harness()
        #expect(try await harness.handle(Updates.message("/deadletters", from: .admin)).sentTexts == ["No dead letters."])
        try await harness.store.write { db in
            // The pipeline queued that reply; clear it so the dead letters below are #1 and #2.
            try db.execute(sql: "DELETE FROM outbox; DELETE FROM sqlite_sequence WHERE name = 'outbox'")
            for (chat, error) in [(5, "Forbidden: bot was blocked by the user"), (6, "Bad Request: chat not found")] {
                var record = OutboxRecord(chatID: Int64(chat), updateID: nil, payload: "{}", createdAt: Date())
                record.status = .dead
                record.lastError = error
                try record.insert(db)
            }
        }
        let outcome = try await harness.handle(Updates.message("/deadletters", from: .admin))
        #expect(outcome.sentTexts == ["""
            Dead letters, newest first:
            #2 → chat 6: Bad Request: chat not found
            #1 → chat 5: Forbidden: bot was blocked by the user
            /retry <id> or /retry all
            """])
    }

    @Test("/retry queues the named dead letters, or all of them")
    func retry() async throws {
        let harness = try await Self.harness()
        let some = try await harness.handle(Updates.message("/retry 3, #5", from: .admin))
        guard case .retryDeadLetters(let ids)? = some.deliveries.first, some.deliveries.count == 1 else {
            Issue.record("expected one retry, got \(some.deliveries)")
            return
        }
        #expect(ids == [3, 5])
        #expect(some.sentTexts == ["Queued again: #3, #5."])

        let all = try await harness.handle(Updates.message("/retry all", from: .admin))
        guard case .retryDeadLetters(let allIDs)? = all.deliveries.first, all.deliveries.count == 1 else {
            Issue.record("expected one retry, got \(all.deliveries)")
            return
        }
        #expect(allIDs == nil)

        let wrong = try await harness.handle(Updates.message("/retry soon", from: .admin))
        #expect(wrong.disposition == .handled)
        #expect(wrong.deliveries.isEmpty)
        #expect(wrong.sentTexts.first?.hasPrefix("Usage: /retry") == true)
    }

    @Test("/broadcast queues a text for every private chat; /broadcast status reports progress")
    func broadcast() async throws {
        let harness = try await Self.harness()
        let status = try await harness.handle(Updates.message("/broadcast status", from: .admin))
        #expect(status.deliveries.isEmpty)
        #expect(status.sentTexts == ["No broadcast yet."])

        let queued = try await harness.handle(Updates.message("/broadcast Sale starts today!", from: .admin))
        guard case .broadcast(let message, let filter)? = queued.deliveries.first,
            queued.deliveries.count == 1
        else {
            Issue.record("expected one broadcast, got \(queued.deliveries)")
            return
        }
        #expect(message.text == "Sale starts today!")
        #expect(message.parseMode == nil)
        #expect(message.parts == ["Sale starts today!"])
        #expect(filter == BroadcastFilter())
        #expect(queued.sentTexts == ["Broadcast queued; /broadcast status shows its progress."])

        try await harness.store.write { db in
            // The pipeline started the broadcast just queued: replace it by one whose progress is known.
            try db.execute(sql: """
                DELETE FROM outbox WHERE broadcast_id IS NOT NULL; DELETE FROM broadcasts;
                DELETE FROM sqlite_sequence WHERE name = 'broadcasts'
                """)
            try db.execute(sql: "INSERT INTO broadcasts (text, filter, total, created_at) VALUES ('Sale', '{}', 3, ?)",
                           arguments: [Date()])
            let id = db.lastInsertedRowID
            for status in [OutboxRecord.Status.sent, .pending, .dead] {
                var record = OutboxRecord(chatID: 5, updateID: nil, payload: "{}", createdAt: Date(), broadcastID: id)
                record.status = status
                try record.insert(db)
            }
        }
        let progress = try await harness.handle(Updates.message("/broadcast status", from: .admin))
        #expect(progress.sentTexts == ["Broadcast #1 (running): 3 queued, 1 sent, 1 failed, 1 waiting"])

        let empty = try await harness.handle(Updates.message("/broadcast", from: .admin))
        #expect(empty.deliveries.isEmpty)
        #expect(empty.sentTexts == ["Usage: /broadcast <text>, or /broadcast status."])
    }

    @Test("wants only messages")
    func interests() async throws {
        let harness = try await Self.harness()
        #expect(harness.plugin.interests == [.message])
        #expect(AdminPlugin.name == "admin")
    }
}
