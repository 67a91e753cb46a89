public import Foundation
import GRDB

extension BotStore {
    /// Every message not sent yet, oldest first.
    static func pendingOutbox(in db: Database) throws -> [OutboxRecord] {
        try OutboxRecord
            .filter(OutboxRecord.Columns.status == OutboxRecord.Status.pending.rawValue)
            .order(OutboxRecord.Columns.id)
            .fetchAll(db)
    }

    /// Records that the platform accepted a message.
    public func markSent(outboxID: Int64, at date: Date) async throws {
        try await write { db in try Self.recordSent([SentMark(outboxID: outboxID, date: date)], in: db) }
    }

    /// Records a failed attempt that will be retried.
    public func recordAttempt(outboxID: Int64, error: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                arguments: [TokenRedaction.redact(error), outboxID])
        }
    }

    /// Gives up on a message, keeping the error. A message that is no longer pending is left alone.
    ///
    /// - Returns: Whether the message was pending and is now dead (each dead letter is counted once).
    @discardableResult
    public func markDead(outboxID: Int64, at date: Date, error: String) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ? AND status = ?",
                arguments: [
                    OutboxRecord.Status.dead.rawValue, TokenRedaction.redact(error), outboxID,
                    OutboxRecord.Status.pending.rawValue,
                ])
            guard db.changesCount > 0 else { return false }
            try HostState.increment(HostState.messagesDead, in: db)
            try HostState.set(HostState.lastError, to: TokenRedaction.redact(error), in: db)
            try HostState.set(HostState.lastErrorAt, to: date.timeIntervalSince1970, in: db)
            return true
        }
    }
}
