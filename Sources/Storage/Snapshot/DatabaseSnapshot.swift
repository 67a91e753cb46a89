import Dispatch
import Foundation
import GRDB
#if canImport(Glibc)
    import Glibc
#endif

/// Consistent copies of a bot's database taken while the bot runs, and what a copy holds.
///
/// A copy is made by SQLite's `VACUUM INTO` on a read-only connection of its own: in WAL mode a
/// reader sees one committed state and never blocks the bot's writer, so the bot goes on
/// handling updates while its database is copied, and the copy holds every transaction
/// committed before the copy began and none after. An update is therefore either done in the
/// copy (with its effects and outbox rows) or pending in it, never half applied.
///
/// - Important: The connection counts against the host's ``OpenDatabases`` bound like any
///   bot's, so copies never push the host past its open-file budget.
public enum DatabaseSnapshot {
    /// What a copy holds, read from the copy itself.
    public struct Inspection: Sendable, Equatable {
        /// `PRAGMA integrity_check`'s answer: `["ok"]` for a sound file, else its complaints.
        public var integrity: [String]
        /// The schema steps applied to it (`host.v5`, `plugin.dating.v2`, …), sorted.
        public var migrations: [String]
        /// The Telegram `getUpdates` offset the bot would continue from; `nil` when it never polled.
        public var pollOffset: Int64?
        /// Updates stored but not handled yet.
        public var pendingUpdates: Int
        /// Replies queued but not sent yet.
        public var pendingReplies: Int

        /// Whether `integrity_check` found nothing wrong.
        public var isSound: Bool { integrity == ["ok"] }
    }

    /// The host's own schema steps this build knows, in order.
    public static var hostMigrations: [String] { HostSchema.steps.map(\.identifier) }

    /// Copies the database at `source` into `target`, consistently, while its bot may be writing.
    ///
    /// `target` is created `0600` and must not exist. `source` must be a regular file: a
    /// missing database (a bot that never ran) or a symbolic link is refused, never created.
    ///
    /// - Parameters:
    ///   - databases: The host's bound on open databases; the copy takes one slot while it runs.
    /// - Throws: ``StorageError`` naming the file and what to do.
    public static func copy(from source: String, to target: String, databases: OpenDatabases) async throws {
        var info = stat()
        guard lstat(source, &info) == 0 else {
            throw StorageError("no database at \(source): the bot has stored nothing yet, so there is nothing to copy")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw StorageError("\(source) is not a regular file (a symbolic link, a folder or a device); not copied")
        }
        let created = open(target, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard created >= 0 else {
            throw StorageError("cannot create \(target): \(String(cString: strerror(errno)))")
        }
        _ = close(created)
        if case .afterClosing(let idle) = await databases.reserve() {
            await OpenDatabases.close(idle)
        }
        defer { databases.releaseSlot() }
        try await onDispatchThread {
            let queue = try readOnlyQueue(source)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [target])
            }
        }
    }

    /// Opens the copy at `path` read-only and reports what it holds.
    ///
    /// - Throws: ``StorageError`` when the file is not an SQLite database at all.
    public static func inspect(_ path: String) async throws -> Inspection {
        try await onDispatchThread {
            let queue = try readOnlyQueue(path)
            defer { try? queue.close() }
            return try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard integrity == ["ok"] else {
                    return Inspection(
                        integrity: integrity,
                        migrations: [],
                        pollOffset: nil,
                        pendingUpdates: 0,
                        pendingReplies: 0
                    )
                }
                guard try db.tableExists("grdb_migrations"), try db.tableExists("host_state") else {
                    return Inspection(
                        integrity: ["not a bot database: it has no host tables"],
                        migrations: [],
                        pollOffset: nil,
                        pendingUpdates: 0,
                        pendingReplies: 0
                    )
                }
                return Inspection(
                    integrity: integrity,
                    migrations: try String.fetchAll(
                        db,
                        sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"
                    ),
                    pollOffset: try HostState.int(HostState.pollOffset, in: db),
                    pendingUpdates: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE status = 'pending'")
                        ?? 0,
                    pendingReplies: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                        ?? 0
                )
            }
        }
    }

    /// Empties the WAL of the database at `path` into the file and removes the WAL and its
    /// index, so the file alone holds every commit: done before a restore sets the file aside.
    /// Nothing happens when there is no file.
    ///
    /// - Important: The bot must be stopped: this takes the database's write lock.
    public static func settle(_ path: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        try await onDispatchThread {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let queue: DatabaseQueue
            do {
                queue = try DatabaseQueue(path: path, configuration: configuration)
            } catch {
                throw StorageError("cannot open \(path) to set it aside: \(error)")
            }
            try queue.writeWithoutTransaction { db in
                _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            }
            try queue.close()
        }
    }

    private static func readOnlyQueue(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StorageError("cannot open \(path) read-only: \(error)")
        }
    }

    /// Runs blocking file work on a dispatch thread, off the cooperative pool.
    private static func onDispatchThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
