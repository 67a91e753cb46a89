public import Foundation
public import GRDB

extension BotStore {
    /// Schedules a job, or moves the plugin's job of the same key for the chat; call inside a
    /// write transaction (an update's commit).
    public static func schedule(
        plugin: String, chatID: Int64, key: String, at dueAt: Date, payload: String, in db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO scheduled_jobs (plugin, chat_id, key, due_at, payload) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(plugin, chat_id, key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload,
                    attempts = 0
                """
        ).execute(arguments: [plugin, chatID, key, StoredDate(dueAt), payload])
    }

    /// Removes the plugin's job of that key for the chat, if any; call inside a write transaction.
    public static func unschedule(plugin: String, chatID: Int64, key: String, in db: Database) throws {
        try db.execute(
            sql: "DELETE FROM scheduled_jobs WHERE plugin = ? AND chat_id = ? AND key = ?",
            arguments: [plugin, chatID, key])
    }

    /// The plugin's job of that key for the chat, if one is waiting.
    public static func scheduledJob(plugin: String, chatID: Int64, key: String, in db: Database) throws
        -> ScheduledJobRecord?
    {
        try ScheduledJobRecord.fetchOne(
            db, sql: "SELECT * FROM scheduled_jobs WHERE plugin = ? AND chat_id = ? AND key = ?",
            arguments: [plugin, chatID, key])
    }

    /// The job with this id as it is now, if it is still scheduled.
    public func scheduledJob(id: Int64) async throws -> ScheduledJobRecord? {
        try await read { db in try ScheduledJobRecord.fetchOne(db, key: id) }
    }

    /// Jobs due at `date`, earliest first, leaving out the ids in `excluded` (jobs already handed
    /// out); and when the next one after those is due.
    public func dueJobs(at date: Date, excluding excluded: Set<Int64>, limit: Int) async throws
        -> (due: [ScheduledJobRecord], nextDue: Date?)
    {
        try await read { db in
            var due: [ScheduledJobRecord] = []
            let cursor = try ScheduledJobRecord.fetchCursor(
                db, sql: "SELECT * FROM scheduled_jobs ORDER BY due_at, id")
            while let job = try cursor.next() {
                if excluded.contains(job.id) { continue }
                guard job.dueAt <= date, due.count < limit else { return (due, job.dueAt) }
                due.append(job)
            }
            return (due, nil)
        }
    }
}

extension TransactionWriter {
    /// Removes a job and applies its effects, in one transaction: a job runs to its commit once.
    ///
    /// The job goes first, so effects may schedule the same key again (a repeating job).
    public func complete<T: Sendable>(
        jobID: Int64, effects: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await write { db in
            try db.execute(sql: "DELETE FROM scheduled_jobs WHERE id = ?", arguments: [jobID])
            return try effects(db)
        }
    }

    /// Removes a job that failed or has no plugin to run it, keeping the error as the bot's last.
    public func drop(jobID: Int64, at date: Date, error: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM scheduled_jobs WHERE id = ?", arguments: [jobID])
            try HostState.set(HostState.lastError, to: TokenRedaction.redact(error), in: db)
            try HostState.set(HostState.lastErrorAt, to: date.timeIntervalSince1970, in: db)
        }
    }
}
