import Foundation
import GRDB
import Testing
@testable import Storage

@Suite("Traffic per period", .timeLimit(.minutes(5)))
struct TrafficTests {
    @Test("updates and sent messages are counted in the period they happened, empty periods included")
    func buckets() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-traffic-\(UUID().uuidString)/bot.sqlite").path
        let store = try await BotStore.open(path: path, plugins: [])
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let received = [5.0, 59.9, 60.0, 185.0, 300.0, -1.0]
        let records = received.enumerated().map { index, offset in
            InboxRecord(
                updateID: Int64(index + 1), lane: 1, kind: "message", payload: Data("{}".utf8),
                receivedAt: start.addingTimeInterval(offset))
        }
        _ = try await store.ingest(records, nextOffset: nil)
        for offset in [61.0, 62.0, 299.0] {
            let id = try await store.write { db in
                var record = OutboxRecord(chatID: 1, updateID: nil, payload: "{}", createdAt: start, broadcastID: nil)
                try record.insert(db)
                return record.id!
            }
            try await store.markSent(outboxID: id, at: start.addingTimeInterval(offset))
        }
        let samples = try await store.traffic(from: start, period: 60, count: 5)
        #expect(samples.map(\.received) == [2, 1, 0, 1, 0])
        #expect(samples.map(\.sent) == [0, 2, 0, 0, 1])
        #expect(samples.map(\.start) == (0..<5).map { start.addingTimeInterval(Double($0) * 60) })
        await store.close()
    }
}
