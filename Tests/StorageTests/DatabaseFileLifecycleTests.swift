import Foundation
import PropertyBased
import Testing
@testable import Storage
import GRDB

/// What a bot's database costs the file system: nothing until the bot has work, and no file
/// created or deleted again when the host closes an idle database and opens it later.
@Suite("Database files: created on first work, kept across closes", .timeLimit(.minutes(2)))
struct DatabaseFileLifecycleTests {
    let folder = DatabaseDescriptors.temporaryFolder()

    func path(_ name: String) -> String { folder.appendingPathComponent("\(name).sqlite").path }

    @Test("a new bot's start-up reads nothing and creates no file; its first work creates it 0600")
    func newBotCreatesNothingAtStart() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let databases = OpenDatabases(limit: 2)
        let store = BotStore(path: path("new"), plugins: [], databases: databases)
        let startup = try await store.startupState()
        #expect(startup.pollOffset == nil && startup.registeredWebhook == nil)
        #expect(startup.pendingInbox.isEmpty && startup.pendingOutbox.isEmpty && startup.blockedChatIDs.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path("new")))
        #expect(databases.openCount == 0, "no slot was taken")
        _ = try await store.ingest([], nextOffset: 7)
        let mode = try FileManager.default.attributesOfItem(atPath: path("new"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        await store.close()
        let again = BotStore(path: path("new"), plugins: [], databases: databases)
        #expect(try await again.startupState().pollOffset == 7, "an existing file is read at start")
        await again.close()
    }

    @Test("a new bot whose folder cannot be made or used fails at start, naming the folder", arguments: [
        // Nothing is at the path, and the folder cannot be created (no folder can be made in /proc).
        "/proc/aviary-nowhere/bots/new.sqlite",
        // A file stands where a folder of the path should be.
        "a-file/bots/new.sqlite",
    ])
    func unusableFolderFailsAtStart(relativePath: String) async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: folder.appendingPathComponent("a-file").path, contents: Data()))
        let target = relativePath.hasPrefix("/") ? relativePath : folder.appendingPathComponent(relativePath).path
        let store = BotStore(path: target, plugins: [], databases: OpenDatabases())
        let error = await #expect(throws: StorageError.self) { try await store.startupState() }
        let folderOfTarget = URL(fileURLWithPath: target).deletingLastPathComponent().path
        #expect(error?.description.contains(folderOfTarget) == true, "\(error?.description ?? "")")
        #expect(!FileManager.default.fileExists(atPath: target))
        await store.close()
    }

    @Test("closing an idle database keeps its WAL and index files, emptied, and the data in the database file")
    func closeKeepsFiles() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Gen.int(in: 1...40).array(of: 1...6)
        let databases = OpenDatabases(limit: 1, idleTimeout: .seconds(1))
        let store = try await BotStore.open(path: path("kept"), plugins: [], databases: databases)
        try await store.write { db in try db.execute(sql: "CREATE TABLE n (id INTEGER PRIMARY KEY, text TEXT)") }
        await propertyCheck(count: 20, input: input) { batches in
            for rows in batches {
                try await store.write { db in
                    for _ in 0..<rows { try db.execute(sql: "INSERT INTO n (text) VALUES (hex(randomblob(200)))") }
                }
                #expect(await databases.closeIdle(now: .now + .seconds(2)) == 1)
                for suffix in ["-wal", "-shm"] {
                    #expect(FileManager.default.fileExists(atPath: path("kept") + suffix), "\(suffix) kept when closed")
                }
                #expect(try size(path("kept") + "-wal") == 0, "the close checkpointed and emptied the WAL")
            }
        }
        let rows = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM n") }
        #expect(await databases.closeIdle(now: .now + .seconds(2)) == 1)
        // The database file alone holds every row: read it with the WAL set aside.
        let copy = path("copy")
        try FileManager.default.copyItem(atPath: path("kept"), toPath: copy)
        let alone = try DatabaseQueue(path: copy)
        let copied = try await alone.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM n") }
        #expect(copied == rows)
        try alone.close()
        await store.close()
    }

    @Test("opening an existing database to read it writes nothing to it")
    func readingWritesNothing() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let databases = OpenDatabases(limit: 1, idleTimeout: .seconds(1))
        let store = try await BotStore.open(path: path("read"), plugins: [], databases: databases)
        _ = try await store.ingest([], nextOffset: 3)
        #expect(await databases.closeIdle(now: .now + .seconds(2)) == 1)
        let before = try Data(contentsOf: URL(fileURLWithPath: path("read")))
        for _ in 0..<3 {
            #expect(try await store.startupState().pollOffset == 3)
            #expect(await databases.closeIdle(now: .now + .seconds(2)) == 1)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path("read"))) == before, "the file is unchanged")
            #expect(try size(path("read") + "-wal") == 0)
        }
        await store.close()
    }

    private func size(_ path: String) throws -> UInt64 {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64)
    }
}
