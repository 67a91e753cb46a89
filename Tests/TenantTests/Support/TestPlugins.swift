import Foundation
import Synchronization
@testable import Tenant

/// Replies `<chat>:<text>` and appends each message to its own table, checking order per chat.
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

    /// Counts handlers running at the same time, to prove chats run in parallel.
    static let concurrency = ConcurrencyProbe()

    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let message = update.message, let text = message.text else { return .passed }
        Self.concurrency.enter()
        defer { Self.concurrency.leave() }
        if text == "boom" { throw LedgerError.exploded }
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

/// Tracks how many plugin calls overlap.
final class ConcurrencyProbe: Sendable {
    private let state = Mutex((current: 0, peak: 0))

    func enter() { state.withLock { $0.current += 1; $0.peak = max($0.peak, $0.current) } }
    func leave() { state.withLock { $0.current -= 1 } }
    func reset() { state.withLock { $0 = (0, 0) } }
    var peak: Int { state.withLock { $0.peak } }
}
