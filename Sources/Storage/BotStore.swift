import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One bot's SQLite database, open for the owner's whole life.
///
/// The file is created `0600` inside a `0700` folder and runs in WAL mode through a single
/// connection (a GRDB `DatabaseQueue`): one bot writes from one place, its reads are small, and
/// every extra connection would cost each bot its own page cache and schema (about 60 kB) and
/// two more open files. An open store holds three files: the database, its WAL and its
/// shared-memory index. A folder or a file
/// that already exists keeps its mode: the store changes only what it creates, and opens only a
/// regular file, never one behind a symbolic link. The host's tables
/// are migrated first, then each plugin's own migrations in their own namespace.
///
/// - Important: Every invariant is kept inside one `write {}`: an update's plugin state, its
///   outbox rows and its "done" mark commit together or not at all.
public final class BotStore: Sendable {
    /// The database, for plugins' reads and for the Tenant's transactions.
    public let writer: any DatabaseWriter
    /// Where the file lives, or `nil` in memory.
    public let path: String?

    /// Opens (creating if needed) the database at `path` and runs every migration.
    ///
    /// - Parameters:
    ///   - path: The SQLite file, created `0600` if missing. Its folder is created `0700` if missing.
    ///   - plugins: The plugins' migrations, each run in its own namespace.
    public init(path: String, plugins: [PluginMigrations]) throws {
        let url = URL(fileURLWithPath: path)
        let created = try Self.prepareFile(at: url)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.journalMode = .wal
        if created {
            configuration.prepareDatabase { db in
                // The file is empty: it turns to WAL without a rollback journal on disk (one file
                // created and removed, and four fsyncs, fewer per new bot). Only this empty file's
                // first header write goes unjournaled; every later write is in WAL mode.
                if try String.fetchOne(db, sql: "PRAGMA journal_mode") == "delete" {
                    try db.execute(sql: "PRAGMA journal_mode = MEMORY")
                }
            }
        }
        do {
            writer = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StorageError("cannot open database \(path): \(error). Check that the disk is writable.")
        }
        self.path = path
        if created {
            try migrateCreated(plugins: plugins)
        } else {
            try migrate(plugins: plugins)
        }
    }

    /// Opens the database like ``init(path:plugins:)``, on a dispatch thread.
    ///
    /// Opening and migrating wait on the disk (fsync). Done on the cooperative pool that every
    /// bot's tasks share, a thousand bots starting at once opened two files at a time.
    public static func open(path: String, plugins: [PluginMigrations]) async throws -> BotStore {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try BotStore(path: path, plugins: plugins) })
            }
        }
    }

    /// Creates a database in memory, for tests.
    public init(inMemoryWith plugins: [PluginMigrations]) throws {
        writer = try DatabaseQueue()
        path = nil
        try migrate(plugins: plugins)
    }

    private func migrate(plugins: [PluginMigrations]) throws {
        try HostSchema.migrator().migrate(writer)
        for plugin in plugins {
            var migrator = DatabaseMigrator()
            for step in plugin.steps {
                migrator.registerMigration("plugin.\(plugin.pluginName).\(step.identifier)", migrate: step.migrate)
            }
            do {
                try migrator.migrate(writer)
            } catch {
                throw StorageError("migration of plugin '\(plugin.pluginName)' failed: \(error)")
            }
        }
    }

    /// Migrates a database this store has just created, in one transaction: the host's steps,
    /// then each plugin's, each recorded as its migrator records it (`grdb_migrations`), so
    /// that a later open finds every step applied. One commit instead of one per step is what
    /// makes a thousand new bots start quickly. Had the file existed, ``migrate(plugins:)``
    /// would run each step in its own transaction, as GRDB does; a failure here rolls all of
    /// it back and the next open migrates the empty file that way.
    private func migrateCreated(plugins: [PluginMigrations]) throws {
        let steps = HostSchema.steps.map { (identifier: $0.identifier, migrate: $0.migrate, plugin: String?.none) }
            + plugins.flatMap { plugin in
                plugin.steps.map { step in
                    (identifier: "plugin.\(plugin.pluginName).\(step.identifier)", migrate: step.migrate,
                     plugin: Optional(plugin.pluginName))
                }
            }
        try writer.barrierWriteWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                for step in steps {
                    do {
                        try step.migrate(db)
                    } catch {
                        guard let plugin = step.plugin else { throw error }
                        throw StorageError("migration of plugin '\(plugin)' failed: \(error)")
                    }
                    try db.execute(
                        sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [step.identifier])
                }
                try db.checkForeignKeys()
                return .commit
            }
        }
    }

    /// Creates the folder (`0700`) and the file (`0600`) when missing; leaves what exists as it is,
    /// and refuses a path that is not a regular file (a symbolic link, a folder, a device).
    /// Returns whether it created the file.
    private static func prepareFile(at url: URL) throws -> Bool {
        let folder = url.deletingLastPathComponent().path
        let manager = FileManager.default
        if !manager.fileExists(atPath: folder) {
            do {
                try manager.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StorageError("cannot create data folder \(folder): \(error). Check --data-dir.")
            }
        }
        let created = Glibc.open(url.path, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if created >= 0 {
            _ = Glibc.close(created)
            return true
        }
        guard errno == EEXIST else {
            throw StorageError("cannot create database file \(url.path): \(String(cString: strerror(errno))).")
        }
        var info = stat()
        guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw StorageError(
                "\(url.path) is not a regular file (a symbolic link, a folder or a device); "
                    + "the host opens only database files inside --data-dir. Remove it or choose another database path."
            )
        }
        return false
    }

    /// Frees what SQLite holds in memory and can rebuild: the connection's page cache empties.
    /// Called once a bot is up, so a thousand idle bots do not each keep the pages their
    /// start-up read.
    public func releaseMemory() {
        (writer as? DatabaseQueue)?.releaseMemory()
    }

    /// Closes the database. Later calls fail.
    public func close() throws {
        try (writer as? DatabaseQueue)?.close()
    }
}
