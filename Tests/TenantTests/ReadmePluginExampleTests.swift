import Foundation
import Testing
import Tenant
import GRDB

// The plugin from the README's "Write a plugin in 30 lines", kept here so it always compiles and works.

/// Counts each person's messages and answers `/count`.
struct CounterPlugin: Plugin {
    struct Configuration: Decodable, Sendable {
        var reply: String?
    }

    static let name = "counter"
    static let migrations = [
        PluginMigration("v1") { db in
            try db.create(table: "counter") { t in
                t.primaryKey("user_id", .integer)
                t.column("messages", .integer).notNull()
            }
        }
    ]

    let reply: String

    init(configuration: Configuration, bot: BotDescriptor) {
        reply = configuration.reply ?? "You wrote %d messages."
    }

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let message = update.message, let user = message.sender else { return .passed }
        if message.command?.name == "count" {
            let count = try await context.storage.read { db in
                try Int.fetchOne(db, sql: "SELECT messages FROM counter WHERE user_id = ?", arguments: [user.id])
            }
            context.reply(reply.replacingOccurrences(of: "%d", with: "\(count ?? 0)"))
            return .handled
        }
        context.storage.write { db in
            try db.execute(
                sql: "INSERT INTO counter VALUES (?, 1) ON CONFLICT(user_id) DO UPDATE SET messages = messages + 1",
                arguments: [user.id])
        }
        return .passed
    }
}

@Suite("README plugin example", .timeLimit(.minutes(5)))
struct ReadmePluginExampleTests {
    @Test("the counter plugin counts in its own table and answers /count")
    func counter() async throws {
        let plugin = CounterPlugin(configuration: .init(reply: "%d so far"), bot: .test)
        let harness = TenantHarness(plugins: [plugin])
        try await harness.running {
            harness.platform.send(chat: 5, text: "one")
            harness.platform.send(chat: 5, text: "two")
            harness.platform.send(chat: 5, text: "/count")
            _ = try await harness.platform.waitForPerformed(1)
        }
        #expect(harness.platform.performed.map(\.text) == ["2 so far"])
    }
}
