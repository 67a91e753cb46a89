import Foundation
@testable import Tenant
import GRDB

/// Replies `<chat>:<text>` and appends each message to its own table, checking order per chat;
/// "retry dead letters" queues every dead letter again.
struct LedgerPlugin: Plugin {
    static let name = "ledger"
    static let migrations = [
        PluginMigration("v1") { db in
            try db.create(table: "ledger") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("chat", .integer).notNull()
                t.column("text", .text).notNull()
            }
        }
    ]

    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let message = update.message, let text = message.text else { return .passed }
        if text == "boom" { throw LedgerError.exploded }
        // What an admin plugin does: put every dead letter back in the queue.
        if text == "retry dead letters" {
            context.delivery.retryDeadLetters()
            return .handled
        }
        // What a plugin's awaited call throws when the host cuts a stop short.
        if text == "interrupted" { throw CancellationError() }
        // Let other chats interleave while this one is "busy".
        for _ in 0..<3 { await Task.yield() }
        let chat = message.chat.id
        context.storage.write { db in
            try db.execute(sql: "INSERT INTO ledger (chat, text) VALUES (?, ?)", arguments: [chat, text])
        }
        context.reply("\(chat):\(text)")
        return .handled
    }

    enum LedgerError: Error { case exploded }
}

/// Proves two chats' handlers overlap: chat 1's handler does not return until chat 2's started.
///
/// Serial dispatch never starts chat 2 while chat 1 waits, so the test fails by its time limit.
final class OverlapProbe: Sendable {
    private let chatOne = EventCounter()
    private let chatTwo = EventCounter()

    /// The event of `chat`'s handler starting (chats 1 and 2).
    func started(chat: Int64) -> EventCounter { chat == 1 ? chatOne : chatTwo }

    /// A plugin that replies `<chat>:<text>`, chat 1 only once chat 2's handler has started.
    var plugin: any Plugin { Gate(probe: self) }

    private struct Gate: Plugin {
        static let name = "overlap"
        let probe: OverlapProbe

        init(probe: OverlapProbe) { self.probe = probe }
        init(configuration: NoConfiguration, bot: BotDescriptor) { probe = OverlapProbe() }

        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let message = update.message, let text = message.text else { return .passed }
            let chat = message.chat.id
            probe.started(chat: chat).record()
            if chat == 1 { await probe.started(chat: 2).wait() }
            context.reply("\(chat):\(text)")
            return .handled
        }
    }
}
