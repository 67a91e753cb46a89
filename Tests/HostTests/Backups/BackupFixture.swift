import Foundation
import GRDB
@testable import Host
import Storage

/// A data folder with one bot's database and manifest, and a destination folder, in a
/// temporary folder of their own.
struct BackupFixture {
    let root: URL
    let botID = "han-ru"

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try "id: han-ru\nbrand: han\nplatform: sandbox\nplugins: [echo]\n"
            .write(toFile: manifestPath, atomically: true, encoding: .utf8)
    }

    var dataDirectory: String { root.appendingPathComponent("data").path }
    var databasePath: String { root.appendingPathComponent("data/han-ru.sqlite").path }
    var manifestPath: String { root.appendingPathComponent("han-ru.yaml").path }
    var destination: SnapshotFolder { SnapshotFolder(root: root.appendingPathComponent("backups").path) }
    var source: SnapshotFolder.Source {
        .init(botID: botID, brand: "han", databasePath: databasePath, manifestPath: manifestPath)
    }

    /// Opens the bot's database the way the host does.
    func openStore(_ databases: OpenDatabases = OpenDatabases()) async throws -> BotStore {
        try await BotStore.open(path: databasePath, plugins: [], databases: databases)
    }

    /// Writes `offset` as the bot's poll offset and `value` under key `k` of plugin `test`.
    func write(offset: Int64, value: String, into store: BotStore) async throws {
        try await store.write { db in
            try HostState.set(HostState.pollOffset, to: offset, in: db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO plugin_kv (plugin, key, value, updated_at) VALUES ('test', 'k', ?, 0)",
                arguments: [Data(value.utf8)]
            )
        }
    }

    /// The poll offset and the `test` value in the database at `path`.
    static func state(at path: String) throws -> (offset: Int64?, value: String?) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let value = try Data.fetchOne(db, sql: "SELECT value FROM plugin_kv WHERE plugin = 'test' AND key = 'k'")
            return (try HostState.int(HostState.pollOffset, in: db), value.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// A restore of `entry` into the bot's database, knowing this build's host steps.
    func restore(_ entry: CatalogEntry) -> SnapshotRestore {
        SnapshotRestore(
            folder: destination,
            entry: entry,
            databasePath: databasePath,
            knownMigrations: DatabaseSnapshot.hostMigrations,
            plugins: []
        )
    }

    /// The permission bits of `path`.
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}
