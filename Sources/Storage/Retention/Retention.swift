public import Foundation
public import GRDB

/// Prunes the rows a ``RetentionPolicy`` lets go, in small transactions, and gives the freed
/// pages back to the file system.
///
/// Each batch is one short write transaction of at most ``batchSize`` rows of one kind, so a
/// bot whose database is pruned waits at most one batch for its own next commit. A broadcast's
/// sent and failed messages are added to its counts in the same transaction that deletes them,
/// so its progress reads the same before and after.
public enum Retention {
    /// The most rows one transaction deletes.
    public static let batchSize = 500

    /// What one pass removed, and the database's size after it.
    public struct Report: Sendable, Equatable {
        /// Handled or failed updates removed from the inbox.
        public var updates = 0
        /// Sent replies removed from the outbox.
        public var replies = 0
        /// Dead letters removed.
        public var deadLetters = 0
        /// The database's size in bytes after the pass (pages in use and free).
        public var databaseBytes: Int64 = 0
        /// Free pages given back to the file system by the incremental vacuum.
        public var pagesFreed = 0
    }

    /// The host schema step retention needs (a database the host has not migrated yet is skipped).
    public static let requiredMigration = "host.v6"

    /// Prunes `writer`'s database by `policy` as of `now`, batch by batch, then runs the
    /// incremental vacuum. A database not migrated to ``requiredMigration`` is left alone.
    ///
    /// - Parameter batches: The most batches of each kind this pass runs, so one pass is bounded.
    public static func prune(
        _ writer: some DatabaseWriter,
        policy: RetentionPolicy,
        now: Date,
        batches: Int = 1_000
    ) async throws -> Report {
        var report = Report()
        let migrated = try await writer.read { db in
            try db.tableExists("grdb_migrations")
                && (try Bool.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) > 0 FROM grdb_migrations WHERE identifier = ?",
                    arguments: [requiredMigration]
                ) ?? false)
        }
        guard migrated else {
            report.databaseBytes = try await size(writer)
            return report
        }
        let updatesBefore = StoredDate(now.addingTimeInterval(-policy.updates.seconds))
        let sentBefore = StoredDate(now.addingTimeInterval(-policy.outbox.seconds))
        let deadBefore = StoredDate(now.addingTimeInterval(-policy.deadLetters.seconds))
        report.updates = try await inBatches(batches, writer) { db in
            try db.execute(
                sql: """
                    DELETE FROM inbox WHERE update_id IN (
                        SELECT update_id FROM inbox WHERE status != 'pending' AND received_at < ?
                        ORDER BY update_id LIMIT ?)
                    """,
                arguments: [updatesBefore, batchSize]
            )
            return db.changesCount
        }
        report.replies = try await inBatches(batches, writer) { db in
            try pruneOutbox(status: "sent", timeColumn: "sent_at", before: sentBefore, counter: "pruned_sent", in: db)
        }
        report.deadLetters = try await inBatches(batches, writer) { db in
            try pruneOutbox(
                status: "dead", timeColumn: "created_at", before: deadBefore, counter: "pruned_failed", in: db)
        }
        report.pagesFreed = try await writer.writeWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return 0 }
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            _ = try Row.fetchAll(db, sql: "PRAGMA incremental_vacuum")
            return free - (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0)
        }
        report.databaseBytes = try await size(writer)
        return report
    }

    /// The database's size in bytes: its pages times the page size.
    public static func size(_ reader: some DatabaseReader) async throws -> Int64 {
        try await reader.read { db in
            (try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0)
                * (try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
    }

    /// Runs `step` (one batch, one transaction) until it removes fewer than ``batchSize`` rows
    /// or `batches` ran; returns how many rows it removed in all.
    private static func inBatches(
        _ batches: Int, _ writer: some DatabaseWriter, _ step: @escaping @Sendable (Database) throws -> Int
    ) async throws -> Int {
        var total = 0
        for _ in 0..<batches {
            let removed = try await writer.write(step)
            total += removed
            if removed < batchSize { break }
        }
        return total
    }

    /// Deletes one batch of outbox rows in `status` older than `before`, adding each broadcast's
    /// share to its `counter` first; returns how many went.
    private static func pruneOutbox(
        status: String,
        timeColumn: String,
        before: StoredDate,
        counter: String,
        in db: Database
    ) throws -> Int {
        let ids = try Int64.fetchAll(
            db,
            sql: "SELECT id FROM outbox WHERE status = ? AND \(timeColumn) < ? ORDER BY id LIMIT ?",
            arguments: [status, before, batchSize]
        )
        guard !ids.isEmpty else { return 0 }
        let list = ids.map(String.init).joined(separator: ",")
        try db.execute(
            sql: """
                UPDATE broadcasts SET \(counter) = \(counter) + (
                    SELECT COUNT(*) FROM outbox WHERE outbox.broadcast_id = broadcasts.id AND outbox.id IN (\(list)))
                WHERE id IN (SELECT DISTINCT broadcast_id FROM outbox WHERE id IN (\(list)) AND broadcast_id IS NOT NULL)
                """
        )
        try db.execute(sql: "DELETE FROM outbox WHERE id IN (\(list))")
        return ids.count
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    fileprivate var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
