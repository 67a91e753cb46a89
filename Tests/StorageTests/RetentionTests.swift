import Foundation
import Testing
@testable import Storage
import GRDB

/// Pruning finished rows by age: what goes, what stays, and broadcast counts that outlive their rows.
@Suite("Retention", .timeLimit(.minutes(2)))
struct RetentionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    /// Rows of every kind, old and new: `old` is 40 days back, `recent` 1 day back.
    static func fill(_ store: BotStore, broadcastMessages: Int) async throws {
        let old = StoredDate(now.addingTimeInterval(-40 * day))
        let ancient = StoredDate(now.addingTimeInterval(-100 * day))
        let recent = StoredDate(now.addingTimeInterval(-day))
        try await store.write { db in
            for (id, status, at) in [(1, "done", old), (2, "failed", old), (3, "pending", old), (4, "done", recent)] {
                try db.execute(
                    sql:
                        "INSERT INTO inbox (update_id, lane, kind, payload, status, received_at) VALUES (?, 0, 'message', x'7B7D', ?, ?)",
                    arguments: [id, status, at]
                )
            }
            try db.execute(
                sql: "INSERT INTO broadcasts (id, text, filter, total, created_at) VALUES (1, 'news', '{}', ?, ?)",
                arguments: [broadcastMessages + 3, ancient]
            )
            for index in 0..<broadcastMessages {
                try db.execute(
                    sql:
                        "INSERT INTO outbox (chat_id, broadcast_id, payload, status, created_at, sent_at) VALUES (?, 1, '{}', 'sent', ?, ?)",
                    arguments: [index, ancient, old]
                )
            }
            let rows: [(Int64?, String, StoredDate, StoredDate?)] = [
                (1, "dead", ancient, nil), (1, "pending", ancient, nil), (1, "sent", ancient, recent),
                (nil, "sent", old, old), (nil, "sent", recent, recent), (nil, "dead", old, nil),
                (nil, "dead", ancient, nil),
                (nil, "pending", ancient, nil),
            ]
            for (broadcast, status, created, sent) in rows {
                try db.execute(
                    sql:
                        "INSERT INTO outbox (chat_id, broadcast_id, payload, status, created_at, sent_at) VALUES (9, ?, '{}', ?, ?, ?)",
                    arguments: [broadcast, status, created, sent]
                )
            }
        }
    }

    @Test(
        "finished rows older than their retention go, in batches; pending rows stay however old; a broadcast's counts do not change"
    )
    func prunes() async throws {
        let store = try BotStore(inMemoryWith: [])
        try await Self.fill(store, broadcastMessages: 1_234)
        let before = try #require(try await store.broadcastProgress(id: 1))
        let report = try await store.withDatabase {
            try await Retention.prune($0, policy: RetentionPolicy(), now: Self.now)
        }
        #expect(report.updates == 2 && report.replies == 1_235 && report.deadLetters == 2, "\(report)")
        #expect(try await store.broadcastProgress(id: 1) == before, "the broadcast reads the same")
        #expect(before.sent == 1_235 && before.failed == 1 && before.pending == 1)
        let left = try await store.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT update_id FROM inbox ORDER BY update_id"),
                try String.fetchAll(db, sql: "SELECT status FROM outbox ORDER BY id")
            )
        }
        #expect(left.0 == [3, 4])
        #expect(left.1 == ["pending", "sent", "sent", "dead", "pending"])
        let again = try await store.withDatabase {
            try await Retention.prune($0, policy: RetentionPolicy(), now: Self.now)
        }
        #expect(again.updates == 0 && again.replies == 0 && again.deadLetters == 0)
        await store.close()
    }

    @Test("a created database gives pruned pages back to the file system")
    func incrementalVacuum() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aviary-retention-\(UUID().uuidString).sqlite"
        ).path
        let store = try await BotStore.open(path: path, plugins: [])
        try await Self.fill(store, broadcastMessages: 5_000)
        let report = try await store.withDatabase { writer in
            let before = try await Retention.size(writer)
            let report = try await Retention.prune(writer, policy: RetentionPolicy(), now: Self.now)
            #expect(report.databaseBytes < before, "\(report.databaseBytes) < \(before)")
            return report
        }
        #expect(report.pagesFreed > 0)
        await store.close()
    }

    @Test("a database the host has not migrated to host.v6 is left alone")
    func unmigrated() async throws {
        let store = try BotStore(inMemoryWith: [])
        try await store.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'host.v6'") }
        try await Self.fill(store, broadcastMessages: 1)
        let report = try await store.withDatabase {
            try await Retention.prune($0, policy: RetentionPolicy(), now: Self.now)
        }
        #expect(report.updates == 0 && report.replies == 0 && report.deadLetters == 0)
        await store.close()
    }
}
