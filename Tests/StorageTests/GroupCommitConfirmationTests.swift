import Foundation
import PropertyBased
import Synchronization
import Testing
@testable import Storage
import GRDB

/// A received batch is stored without a sync and made durable, with its poll offset, by the bot's
/// next group transaction: the one that commits its updates, so that an update costs one synced
/// commit; a transaction of its own when nothing else comes within the tick.
@Suite("Group commit: received batches ride along", .timeLimit(.minutes(2)))
struct GroupCommitConfirmationTests {
    @Test("a batch becomes durable with its first update's transaction, offset included: one synced commit per update")
    func batchRidesWithItsUpdates() async throws {
        await propertyCheck(count: 20, input: Gen.int(in: 1...5).array(of: 1...5)) { batches in
            try await Self.check(batches: batches)
        }
    }

    /// Receives `batches` (their sizes) one after the other, each update committed on its own,
    /// and counts the synced and unsynced commits.
    private static func check(batches: [Int]) async throws {
        let store = try await BotStore.open(path: Self.temporaryPath(), plugins: [])
        let counter = SyncCounter()
        try await store.withDatabase { writer in
            try await writer.writeWithoutTransaction { db in db.add(transactionObserver: counter) }
        }
        // A tick no test outlives: only a transaction written for the updates can settle a batch.
        let commits = GroupCommit(store: store, confirmationTick: .seconds(3600))
        var next: Int64 = 1
        for size in batches {
            let ids = Array(next..<next + Int64(size))
            next += Int64(size)
            let inserted = try await store.ingestUnsynced(ids.map {
                InboxRecord(updateID: $0, lane: 1, kind: "message", payload: Data("{}".utf8), receivedAt: Date())
            })
            #expect(inserted.map(\.updateID) == ids)
            let confirmation = commits.confirmation(offset: next)
            for id in ids {
                try await commits.write { db in
                    try db.execute(sql: "UPDATE inbox SET status = 'done' WHERE update_id = ?", arguments: [id])
                }
            }
            try await confirmation.durable()
            #expect(try await store.startupState().pollOffset == next)
        }
        let updates = batches.reduce(0, +)
        #expect(counter.synced == updates, "\(batches): one synced commit per update")
        #expect(counter.unsynced == batches.count, "\(batches): one unsynced write per batch")
        await store.close()
    }

    @Test("a batch with nothing to carry it becomes durable by a transaction of its own")
    func lonelyBatchCommitsAfterTheTick() async throws {
        let store = try await BotStore.open(path: Self.temporaryPath(), plugins: [])
        let counter = SyncCounter()
        try await store.withDatabase { writer in
            try await writer.writeWithoutTransaction { db in db.add(transactionObserver: counter) }
        }
        let commits = GroupCommit(store: store, confirmationTick: .milliseconds(1))
        _ = try await store.ingestUnsynced([
            InboxRecord(updateID: 41, lane: 1, kind: "message", payload: Data("{}".utf8), receivedAt: Date())
        ])
        try await commits.confirmation(offset: 42).durable()
        #expect(counter.synced == 1)
        #expect(try await store.startupState().pollOffset == 42)
        await store.close()
    }

    private static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-storage-\(UUID().uuidString)/bot.sqlite").path
    }
}

/// Counts commits by the `synchronous` setting they were written with (FULL is 2).
private final class SyncCounter: TransactionObserver, Sendable {
    private let counts = Mutex((synced: 0, unsynced: 0))

    var synced: Int { counts.withLock { $0.synced } }
    var unsynced: Int { counts.withLock { $0.unsynced } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseWillCommit() throws {}
    func databaseDidRollback(_ db: Database) {}

    func databaseDidCommit(_ db: Database) {
        let synced = (try? Int.fetchOne(db, sql: "PRAGMA synchronous")) == 2
        counts.withLock { synced ? ($0.synced += 1) : ($0.unsynced += 1) }
    }
}
