import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opens one bot's SQLite file: creates it `0600` inside a `0700` folder when missing, opens it
/// in WAL mode through a single connection, and migrates it on the first open of a process.
///
/// A folder or a file that already exists keeps its mode: only what is created here is given
/// one, and only a regular file is opened, never one behind a symbolic link.
struct BotDatabaseFile: Sendable {
    let path: String
    let plugins: [PluginMigrations]

    /// Opens a connection; migrates when `migrate` is true (the first open of this process).
    func open(migrate: Bool) throws -> DatabaseQueue {
        let created = try Self.prepareFile(at: URL(fileURLWithPath: path))
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
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StorageError("cannot open database \(path): \(error). Check that the disk is writable.")
        }
        // After GRDB's WAL set-up, which chooses NORMAL: a commit is on disk before it is acknowledged.
        try queue.inDatabase { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        if created {
            try Self.migrateCreated(queue, plugins: plugins)
        } else if migrate {
            try Self.migrate(queue, plugins: plugins)
        }
        return queue
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
}
