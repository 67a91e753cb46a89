import Foundation
import GRDB

/// That the platform accepted an outbox message, and when.
struct SentMark: Sendable {
    var outboxID: Int64
    var date: Date
}

extension BotStore {
    /// Records that the platform accepted these messages, inside the caller's transaction.
    static func recordSent(_ marks: [SentMark], in db: Database) throws {
        guard !marks.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "UPDATE outbox SET status = ?, sent_at = ?, attempts = attempts + 1 WHERE id = ?")
        for mark in marks {
            try statement.execute(arguments: [OutboxRecord.Status.sent.rawValue, StoredDate(mark.date), mark.outboxID])
        }
        try HostState.increment(HostState.messagesSent, by: marks.count, in: db)
    }
}
