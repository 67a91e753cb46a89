import GRDB
extension BotStore {
    /// Notes that handling an update begins, before any of its work.
    ///
    /// An update that crashes or hangs the host is handled again at every start; the count
    /// lets the runtime give up on it after a few starts instead of freezing its chat forever.
    ///
    /// The mark is written to the operating system but not synced to the disk
    /// (``writeUnsynced(_:)``): it outlives the process (a crash, a kill), which is what it
    /// counts, and the update's own commit syncs it. A power cut may take it back; the update
    /// then gets one attempt more, which is not the update's fault either.
    ///
    /// - Returns: The attempt this is, 1 for the first.
    public func beginAttempt(updateID: Int64) async throws -> Int {
        try await beginAttempt(.inbox, id: updateID)
    }

    /// Takes back ``beginAttempt(updateID:)`` for an update that a stop interrupted: a clean
    /// stop is not the update's fault.
    public func releaseAttempt(updateID: Int64) async throws {
        try await releaseAttempt(.inbox, id: updateID)
    }

    /// Notes that running a scheduled job begins, before any of its work (unsynced, as
    /// ``beginAttempt(updateID:)``).
    ///
    /// - Returns: The attempt this is, 1 for the first.
    public func beginAttempt(jobID: Int64) async throws -> Int {
        try await beginAttempt(.scheduledJobs, id: jobID)
    }

    /// Takes back ``beginAttempt(jobID:)`` for a job that a stop interrupted.
    public func releaseAttempt(jobID: Int64) async throws {
        try await releaseAttempt(.scheduledJobs, id: jobID)
    }

    private func beginAttempt(_ table: AttemptTable, id: Int64) async throws -> Int {
        try await writeUnsynced { db in
            try Int.fetchOne(
                db, sql: "UPDATE \(table.name) SET attempts = attempts + 1 WHERE \(table.key) = ? RETURNING attempts",
                arguments: [id]) ?? 1
        }
    }

    private func releaseAttempt(_ table: AttemptTable, id: Int64) async throws {
        try await writeUnsynced { db in
            try db.execute(
                sql: "UPDATE \(table.name) SET attempts = max(attempts - 1, 0) WHERE \(table.key) = ?", arguments: [id])
        }
    }
}

/// The tables whose rows count their attempts.
private enum AttemptTable {
    case inbox, scheduledJobs

    var name: String { self == .inbox ? "inbox" : "scheduled_jobs" }
    var key: String { self == .inbox ? "update_id" : "id" }
}
