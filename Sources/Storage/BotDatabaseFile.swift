import Foundation
import GRDBSQLite
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Opens one bot's SQLite file: creates it `0600` inside a `0700` folder when missing, opens it
/// in WAL mode through a single connection, and migrates it on the first open of a process.
///
/// A folder or a file that already exists keeps its mode: only what is created here is given
/// one, and only a regular file is opened, never one behind a symbolic link.
///
/// The WAL and its shared-memory index persist between opens (`SQLITE_FCNTL_PERSIST_WAL`): the
/// last connection still checkpoints everything into the database file when it closes and
/// truncates the WAL to nothing, but leaves both files in place, so a bot whose database the
/// host closes and opens again (see ``OpenDatabases``) does not delete and create two files
/// each time. Creating files dominated a thousand bots' start-up (BENCHMARKS.md).
struct BotDatabaseFile: Sendable {
    let path: String
    let plugins: [PluginMigrations]

    /// Opens a connection; migrates when `migrate` is true (the first open of this process).
    func open(migrate: Bool) throws -> DatabaseQueue {
        let created = try Self.prepareFile(at: URL(fileURLWithPath: path))
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        // WAL is set here rather than with GRDB's `journalMode = .wal`, which writes to every
        // database whose WAL is empty when it opens (a table created and dropped, for the sake of
        // a pool's readers) and a close empties the WAL here: every open would write, and the
        // next close checkpoint and sync. One connection needs none of that, and WAL mode
        // persists in the file.
        configuration.prepareDatabase { [path] db in
            // A commit is on disk before it is acknowledged (group commit keeps that affordable).
            // A file just created is the exception until its schema is in: that commit is synced
            // by the first one after it (WAL mode without syncs is still safe from corruption),
            // and a power cut before then leaves a file the next open migrates again.
            try db.execute(sql: "PRAGMA synchronous = \(created ? "NORMAL" : "FULL")")
            if created {
                // Set before the first page is written: pages that retention frees go back to
                // the file system (`PRAGMA incremental_vacuum`) instead of staying in the file.
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            }
            if created, try String.fetchOne(db, sql: "PRAGMA journal_mode") == "delete" {
                // The file is empty: it turns to WAL without a rollback journal on disk (one file
                // created and removed, and four fsyncs, fewer per new bot). Only this empty file's
                // first header write goes unjournaled; every later write is in WAL mode.
                try db.execute(sql: "PRAGMA journal_mode = MEMORY")
            }
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw StorageError("cannot turn \(path) to WAL mode. Check that its folder is writable.")
            }
            var persist: Int32 = 1
            _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
            // With the WAL kept, a limit makes the close truncate it instead of leaving it at
            // its largest; the same limit trims it after a checkpoint while open.
            try db.execute(sql: "PRAGMA journal_size_limit = \(Self.walSizeLimit)")
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StorageError("cannot open database \(path): \(error). Check that the disk is writable.")
        }
        if created {
            try Self.migrateCreated(queue, plugins: plugins)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } else if migrate {
            try Self.migrate(queue, plugins: plugins)
        }
        return queue
    }

    /// The most a WAL keeps on disk after a checkpoint, in bytes.
    static let walSizeLimit = 4 << 20

    /// Whether something is at ``path``: a file, or anything ``open(migrate:)`` would refuse (a
    /// link, a folder), or a path that cannot be examined. A new bot's path has nothing yet.
    var exists: Bool {
        var info = stat()
        return lstat(path, &info) == 0 || errno != ENOENT
    }

    /// Makes sure the file can be created later: its folder exists (created `0700` when
    /// missing) and this process may create files in it.
    ///
    /// - Throws: ``StorageError`` naming the folder, when it cannot be created or written.
    func prepareFolder() throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try Self.createFolder(folder)
        guard access(folder, W_OK | X_OK) == 0 else {
            throw StorageError(
                "cannot create database file \(path): the folder \(folder) is not writable "
                    + "(\(String(cString: strerror(errno)))). Check --data-dir and the folder's owner.")
        }
    }

    /// Runs the host's migrations, then each plugin's in its own namespace, one transaction
    /// per step as GRDB does.
    static func migrate(_ writer: some DatabaseWriter, plugins: [PluginMigrations]) throws {
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

    /// Migrates a database just created, in one transaction: the host's steps, then each
    /// plugin's, each recorded as its migrator records it (`grdb_migrations`), so that a later
    /// open finds every step applied. One commit instead of one per step is what makes a
    /// thousand new bots start quickly. Had the file existed, ``migrate(_:plugins:)`` would run
    /// each step in its own transaction, as GRDB does; a failure here rolls all of it back and
    /// the next open migrates the empty file that way.
    private static func migrateCreated(_ writer: DatabaseQueue, plugins: [PluginMigrations]) throws {
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
        try createFolder(url.deletingLastPathComponent().path)
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

    /// Creates `folder` (`0700`, with its parents) when missing.
    private static func createFolder(_ folder: String) throws {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: folder) else { return }
        do {
            try manager.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StorageError("cannot create data folder \(folder): \(error). Check --data-dir.")
        }
    }
}
