import Foundation
public import GRDB

/// The host's own SQLite file, `<data-dir>/host.sqlite`: what the host keeps about itself
/// rather than about one bot: the audit log, the bots an operator stopped, and the webhooks the
/// bots registered.
///
/// Created `0600` inside a `0700` folder when missing; one `DatabasePool` for the host's whole
/// life. Its migrations are named `hostdb.v1`, … and frozen once shipped.
public struct HostDatabase: Sendable {
    /// The file's name inside the data folder.
    public static let fileName = "host.sqlite"

    /// The connection every host-wide store shares.
    public let writer: any DatabaseWriter

    /// Opens (creating and migrating when needed) `host.sqlite` in `dataDirectory`.
    ///
    /// - Throws: ``StorageError`` naming the file, when it cannot be created, opened or migrated.
    public static func open(dataDirectory: String) throws -> HostDatabase {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let manager = FileManager.default
        do {
            if !manager.fileExists(atPath: dataDirectory) {
                try manager.createDirectory(
                    atPath: dataDirectory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            }
            if !manager.fileExists(atPath: path) {
                guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw StorageError("cannot create \(path). Check that \(dataDirectory) is writable.")
                }
            }
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let pool = try DatabasePool(path: path, configuration: configuration)
            return try HostDatabase(writer: pool)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError("cannot open the host database \(path): \(error). Check that the disk is writable.")
        }
    }

    /// A database over `writer` (an in-memory `DatabaseQueue()` in tests), migrated.
    public init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// The host database's schema steps.
    ///
    /// - Important: Frozen once shipped; append new steps, never edit these.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("hostdb.v1") { db in
            try db.create(table: "audit_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at_ms", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("address", .text)
                t.column("action", .text).notNull()
                t.column("bot", .text)
                t.column("brand", .text)
                t.column("outcome", .text).notNull()
                t.column("detail", .text)
                t.column("previous_hash", .text).notNull()
                t.column("hash", .text).notNull()
            }
            try db.create(index: "audit_log_bot", on: "audit_log", columns: ["bot", "id"])
            try db.create(index: "audit_log_brand", on: "audit_log", columns: ["brand", "id"])
            for (event, verb) in [("UPDATE", "changed"), ("DELETE", "deleted")] {
                try db.execute(
                    sql: """
                        CREATE TRIGGER audit_log_no_\(event.lowercased()) BEFORE \(event) ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: records cannot be \(verb)'); END
                        """
                )
            }
        }
        migrator.registerMigration("hostdb.v2 operator stops") { db in
            try db.create(table: "operator_stops") { t in
                t.primaryKey("bot", .text)
                t.column("at_ms", .integer).notNull()
            }
        }
        migrator.registerMigration("hostdb.v3 webhook registrations") { db in
            try db.create(table: "webhook_registrations") { t in
                t.primaryKey("bot", .text)
                t.column("url", .text).notNull()
            }
        }
        return migrator
    }
}
