import Foundation
import Synchronization

/// Each bot's last scheduled backup, for the API, the dashboard and metrics.
final class BackupStatusBoard: Sendable {
    /// One bot's backups so far.
    struct Status: Sendable, Equatable {
        /// When the last backup that reached every destination was taken.
        var lastSuccessAt: Date?
        /// Its database's size in bytes.
        var lastSize: Int64?
        /// When the last backup failed.
        var lastFailureAt: Date?
        /// Why it failed.
        var lastFailure: String?
        /// Failed backups since the host started.
        var failures = 0
    }

    private let state = Mutex<[String: Status]>([:])

    init() {}

    /// Bot `id`'s status; `nil` before its first scheduled backup.
    subscript(id: String) -> Status? { state.withLock { $0[id] } }

    /// Records a backup of bot `id` that reached every destination.
    func recordSuccess(_ id: String, at date: Date, size: Int64) {
        state.withLock { board in
            board[id, default: Status()].lastSuccessAt = date
            board[id, default: Status()].lastSize = size
        }
    }

    /// Records a backup of bot `id` that failed, and why.
    func recordFailure(_ id: String, at date: Date, reason: String) {
        state.withLock { board in
            board[id, default: Status()].lastFailureAt = date
            board[id, default: Status()].lastFailure = reason
            board[id, default: Status()].failures += 1
        }
    }
}
