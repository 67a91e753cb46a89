import Foundation
import Testing
@testable import Storage
import GRDB

/// A bot's database syncs every commit to disk (`synchronous = FULL`), whether the store created
/// the file or found it, so what the host acknowledged survives a power cut.
@Suite("BotStore: commits reach the disk", .timeLimit(.minutes(1)))
struct SynchronousTests {
    @Test("a created file and a reopened one both run WAL with synchronous = FULL")
    func fullSync() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-storage-\(UUID().uuidString)/bot.sqlite").path
        for _ in 0..<2 {
            let store = try await BotStore.open(path: path, plugins: [])
            let (journal, synchronous) = try await store.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(journal == "wal")
            #expect(synchronous == 2, "FULL is 2, NORMAL 1")
            await store.close()
        }
    }

    @Test("an unsynced write (an attempt mark) commits, and the commits after it are synced again, even when it throws")
    func unsyncedWriteRestoresFullSync() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-storage-\(UUID().uuidString)/bot.sqlite").path
        let store = try await BotStore.open(path: path, plugins: [])
        let payload = Data("{}".utf8)
        _ = try await store.ingest(
            [InboxRecord(updateID: 1, lane: 7, kind: "message", payload: payload, receivedAt: Date())], nextOffset: 2)
        #expect(try await store.beginAttempt(updateID: 1) == 1)
        #expect(try await store.beginAttempt(updateID: 1) == 2)
        await #expect(throws: DatabaseError.self) {
            try await store.writeUnsynced { db in try db.execute(sql: "INSERT INTO no_such_table VALUES (1)") }
        }
        let synchronous = try await store.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2, "FULL is 2, NORMAL 1")
        await store.close()
        let reopened = try await BotStore.open(path: path, plugins: [])
        let attempts = try await reopened.read { db in
            try Int.fetchOne(db, sql: "SELECT attempts FROM inbox WHERE update_id = 1")
        }
        #expect(attempts == 2)
        await reopened.close()
    }
}
