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
}
