import Foundation
import GRDB
@testable import Host
import Storage
import Testing

/// Snapshots and restores on real files, in process.
@Suite("Backups: snapshot and restore", .timeLimit(.minutes(2)))
struct BackupTests {
    @Test("a snapshot holds the database as committed, the manifest, and a true entry; files 0600, folders 0700")
    func snapshotHoldsEverything() async throws {
        let fixture = try BackupFixture()
        let store = try await fixture.openStore()
        try await fixture.write(offset: 77, value: "before", into: store)
        let entry = try await fixture.destination.take(fixture.source, databases: OpenDatabases())
        try await fixture.write(offset: 78, value: "after", into: store)
        await store.close()

        let name = try #require(entry.snapshotName)
        #expect(entry.bot == "han-ru" && entry.brand == "han" && entry.pollOffset == 77)
        #expect(entry.migrations == DatabaseSnapshot.hostMigrations.sorted())
        let digest = try AtomicFile.digest(of: fixture.destination.databasePath(name))
        #expect(digest.sha256 == entry.sha256 && digest.size == entry.size)
        #expect(try BackupFixture.state(at: fixture.destination.databasePath(name)) == (77, "before"))
        #expect(
            FileManager.default.contents(atPath: fixture.destination.manifestPath(name))
                == FileManager.default.contents(atPath: fixture.manifestPath)
        )
        for path in [
            fixture.destination.databasePath(name), fixture.destination.manifestPath(name),
            fixture.destination.entryPath(name),
        ] {
            #expect(try BackupFixture.mode(path) == 0o600, "\(path)")
        }
        #expect(try BackupFixture.mode(fixture.destination.folder(of: "han-ru")) == 0o700)
        let listed = fixture.destination.list()
        #expect(listed.entries == [entry] && listed.problems.isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.destination.folder(of: "han-ru"))
        #expect(leftovers.filter { $0.hasPrefix(".") }.isEmpty, "no temporary file is left: \(leftovers)")
    }

    @Test("a snapshot taken while the bot commits holds whole transactions only")
    func snapshotWhileWriting() async throws {
        let fixture = try BackupFixture()
        let databases = OpenDatabases(limit: 2)
        let store = try await fixture.openStore(databases)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        // Each transaction writes an "update" row and its "done" row: a snapshot must hold both or neither.
        let writer = Task {
            for index in 0..<400 {
                try await store.write { db in
                    for kind in ["update", "done"] {
                        try db.execute(
                            sql: "INSERT INTO plugin_kv (plugin, key, value, updated_at) VALUES ('load', ?, x'00', 0)",
                            arguments: ["\(kind)-\(index)"]
                        )
                    }
                }
                if index == 50 { startedContinuation.yield() }
            }
            startedContinuation.finish()
        }
        for await _ in started { break }
        let entry = try await fixture.destination.take(fixture.source, databases: databases)
        try await writer.value
        await store.close()

        let queue = try DatabaseQueue(path: fixture.destination.databasePath(try #require(entry.snapshotName)))
        let keys = try await queue.read {
            try String.fetchAll($0, sql: "SELECT key FROM plugin_kv WHERE plugin = 'load'")
        }
        let updates = Set(keys.filter { $0.hasPrefix("update-") }.map { $0.dropFirst(7) })
        let done = Set(keys.filter { $0.hasPrefix("done-") }.map { $0.dropFirst(5) })
        #expect(updates == done, "every transaction whole")
        #expect(updates.count > 50, "the snapshot began after the 51st commit")
        #expect(updates == Set((0..<updates.count).map { Substring("\($0)") }), "a prefix of the commits")
    }

    @Test("a bot with no database yet is refused, and nothing is created for it")
    func noDatabase() async throws {
        let fixture = try BackupFixture()
        await #expect(throws: StorageError.self) {
            _ = try await fixture.destination.take(fixture.source, databases: OpenDatabases())
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.databasePath))
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.destination.folder(of: "han-ru"))
        #expect(files.isEmpty, "\(files)")
    }

    @Test("restore puts the snapshot in place, keeps the old database aside whole, and leaves no WAL over it")
    func restoreSwaps() async throws {
        let fixture = try BackupFixture()
        let store = try await fixture.openStore()
        try await fixture.write(offset: 10, value: "snapshot", into: store)
        let entry = try await fixture.destination.take(fixture.source, databases: OpenDatabases())
        try await fixture.write(offset: 20, value: "later", into: store)
        await store.close()

        let restore = fixture.restore(entry)
        let prepared = try await restore.prepare()
        #expect(prepared.inspection.pollOffset == 10)
        #expect(try BackupFixture.state(at: fixture.databasePath) == (20, "later"), "nothing changes before the swap")
        let aside = try #require(try await restore.swap(prepared))
        #expect(try BackupFixture.state(at: fixture.databasePath) == (10, "snapshot"))
        #expect(try BackupFixture.state(at: aside) == (20, "later"))
        #expect(!FileManager.default.fileExists(atPath: fixture.databasePath + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: prepared.path))
        #expect(try BackupFixture.mode(fixture.databasePath) == 0o600)

        // The host opens the restored file as its own and goes on from there.
        let reopened = try await fixture.openStore()
        try await fixture.write(offset: 11, value: "next", into: reopened)
        await reopened.close()
        #expect(try BackupFixture.state(at: fixture.databasePath) == (11, "next"))
    }

    @Test("restore refuses a snapshot whose bytes changed, and touches nothing")
    func restoreRefusesChangedBytes() async throws {
        let fixture = try BackupFixture()
        let store = try await fixture.openStore()
        try await fixture.write(offset: 5, value: "live", into: store)
        let entry = try await fixture.destination.take(fixture.source, databases: OpenDatabases())
        await store.close()
        let path = fixture.destination.databasePath(try #require(entry.snapshotName))
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[bytes.count - 10] ^= 0x55
        try bytes.write(to: URL(fileURLWithPath: path))

        let error = await #expect(throws: HostError.self) { _ = try await fixture.restore(entry).prepare() }
        #expect(
            error?.description.contains("does not match the catalog's checksum") == true,
            "\(String(describing: error))"
        )
        #expect(try BackupFixture.state(at: fixture.databasePath) == (5, "live"))
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.dataDirectory)
        #expect(!files.contains { $0.contains(".restoring") }, "\(files)")
    }

    @Test("restore refuses a damaged database whose entry matches it")
    func restoreRefusesDamage() async throws {
        let fixture = try BackupFixture()
        let store = try await fixture.openStore()
        try await store.write { db in
            for index in 0..<200 {
                try db.execute(
                    sql:
                        "INSERT INTO plugin_kv (plugin, key, value, updated_at) VALUES ('bulk', ?, randomblob(200), 0)",
                    arguments: ["\(index)"]
                )
            }
        }
        var entry = try await fixture.destination.take(fixture.source, databases: OpenDatabases())
        await store.close()
        let path = fixture.destination.databasePath(try #require(entry.snapshotName))
        var bytes = try #require(FileManager.default.contents(atPath: path))
        // Scribble over the middle of the file: pages of the b-tree, not the header.
        for offset in stride(from: bytes.count / 2, to: bytes.count / 2 + 4096, by: 7) { bytes[offset] = 0xFF }
        try bytes.write(to: URL(fileURLWithPath: path))
        let digest = try AtomicFile.digest(of: path)
        entry.sha256 = digest.sha256
        entry.size = digest.size

        await #expect(throws: (any Error).self) { _ = try await fixture.restore(entry).prepare() }
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.dataDirectory)
        #expect(!files.contains { $0.contains(".restoring") }, "\(files)")
    }

    @Test("restore refuses a snapshot with schema steps this build does not know")
    func restoreRefusesNewerSchema() async throws {
        let fixture = try BackupFixture()
        let store = try await fixture.openStore()
        try await store.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('host.v99'), ('plugin.gone.v1')")
        }
        let entry = try await fixture.destination.take(fixture.source, databases: OpenDatabases())
        await store.close()
        let error = await #expect(throws: HostError.self) { _ = try await fixture.restore(entry).prepare() }
        // A step of a plugin the bot no longer runs is harmless; an unknown host step is not.
        #expect(error?.description.contains("(host.v99): it was taken by a newer version") == true)
    }

    @Test("restore picks the named snapshot, else the latest at or before --at, else the latest")
    func choosing() throws {
        func entry(_ stamp: String) -> CatalogEntry { .fixture(bot: "han-ru", stamp: stamp) }
        let entries = ["20261201T000000.000Z", "20261203T120000.000Z", "20261205T000000.000Z"].map(entry)
        func choose(at: String? = nil, named: String? = nil) throws -> String {
            try RestoreCommand.choose(
                from: entries,
                botID: "han-ru",
                at: at.map(SnapshotTime.parse),
                named: named,
                source: "b"
            ).name
        }
        #expect(try choose() == entries[2].name)
        #expect(try choose(at: "2026-12-04") == entries[1].name)
        #expect(try choose(at: "2026-12-03T12:00:00Z") == entries[1].name)
        #expect(try choose(at: "2026-12-03T11:59:59.999Z") == entries[0].name)
        #expect(try choose(named: entries[0].name) == entries[0].name)
        #expect(throws: HostError.self) { try choose(at: "2026-11-30") }
        #expect(throws: HostError.self) { try choose(named: "han-ru-20261202T000000.000Z") }
        #expect(throws: HostError.self) { try choose(at: "yesterday") }
        #expect(throws: HostError.self) {
            try RestoreCommand.choose(from: [], botID: "han-ru", at: nil, named: nil, source: "b")
        }
    }
}
