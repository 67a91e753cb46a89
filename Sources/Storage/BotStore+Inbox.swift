public import Foundation
public import GRDB

extension BotStore {
    /// Every update not handled yet, in update id order.
    static func pendingInbox(in db: Database) throws -> [InboxRecord] {
        try InboxRecord
            .filter(InboxRecord.Columns.status == InboxRecord.Status.pending.rawValue)
            .order(InboxRecord.Columns.updateID)
            .fetchAll(db)
    }
}

extension BotStore {
    /// Stores received updates without a sync (``writeUnsynced(_:)``): they outlive a kill at
    /// once, and a power cut once the next synced commit is written (``GroupCommit/confirm(offset:)``
    /// waits for it). Updates already in the inbox are ignored.
    ///
    /// - Returns: The records that were new, in update id order; only these need dispatching.
    public func ingestUnsynced(_ records: [InboxRecord]) async throws -> [InboxRecord] {
        try await writeUnsynced { db in try BotStore.insertNew(records, in: db) }
    }

    /// Inserts the records not in the inbox yet and counts them as received.
    static func insertNew(_ records: [InboxRecord], in db: Database) throws -> [InboxRecord] {
        var inserted: [InboxRecord] = []
        for record in records.sorted(by: { $0.updateID < $1.updateID }) {
            try record.insert(db, onConflict: .ignore)
            if db.changesCount > 0 {
                inserted.append(record)
            }
        }
        if !inserted.isEmpty {
            try HostState.increment(HostState.updatesReceived, by: inserted.count, in: db)
        }
        return inserted
    }
}

extension TransactionWriter {
    /// Stores received updates and the next poll offset in one transaction.
    ///
    /// Updates already in the inbox are ignored, so redelivery never duplicates work.
    ///
    /// - Returns: The records that were new, in update id order; only these need dispatching.
    public func ingest(_ records: [InboxRecord], nextOffset: Int64?) async throws -> [InboxRecord] {
        try await write { db in
            let inserted = try BotStore.insertNew(records, in: db)
            if let nextOffset {
                try HostState.set(HostState.pollOffset, to: nextOffset, in: db)
            }
            return inserted
        }
    }

    /// Marks an update handled and applies its effects in the same transaction.
    ///
    /// - Parameters:
    ///   - updateID: The inbox row to close.
    ///   - at: The time to record.
    ///   - effects: The plugins' writes and outbox rows, run inside the transaction.
    /// - Returns: Whatever `effects` returned (the outbox rows it inserted, say).
    public func complete<T: Sendable>(
        updateID: Int64, at date: Date, effects: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await write { db in
            let result = try effects(db)
            try db.cachedStatement(sql: "UPDATE inbox SET status = ?, handled_at = ?, error = NULL WHERE update_id = ?")
                .execute(arguments: [InboxRecord.Status.done.rawValue, StoredDate(date), updateID])
            try HostState.increment(HostState.updatesHandled, in: db)
            return result
        }
    }

    /// Marks an update failed, keeps the error, and applies none of its effects.
    public func fail(updateID: Int64, at date: Date, error: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE inbox SET status = ?, handled_at = ?, error = ? WHERE update_id = ?",
                arguments: [InboxRecord.Status.failed.rawValue, StoredDate(date), TokenRedaction.redact(error), updateID])
            try HostState.increment(HostState.updatesFailed, in: db)
            try HostState.set(HostState.lastError, to: TokenRedaction.redact(error), in: db)
            try HostState.set(HostState.lastErrorAt, to: date.timeIntervalSince1970, in: db)
        }
    }
}
