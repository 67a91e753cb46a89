import GRDB
extension TransactionWriter {
    /// Notes that handling an update begins, durably, before any of its work.
    ///
    /// An update that crashes or hangs the host is handled again at every start; the count
    /// lets the runtime give up on it after a few starts instead of freezing its chat forever.
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

    /// Notes that running a scheduled job begins, durably, before any of its work.
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
        try await write { db in
            try Int.fetchOne(
                db, sql: "UPDATE \(table.name) SET attempts = attempts + 1 WHERE \(table.key) = ? RETURNING attempts",
                arguments: [id]) ?? 1
        }
    }

    private func releaseAttempt(_ table: AttemptTable, id: Int64) async throws {
        try await write { db in
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
