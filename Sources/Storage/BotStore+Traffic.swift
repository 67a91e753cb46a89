public import Foundation
import GRDB

/// Updates received and messages sent in one period of time.
public struct TrafficSample: Sendable, Equatable {
    /// The start of the period.
    public var start: Date
    /// Updates stored in the inbox during the period.
    public var received: Int
    /// Messages the platform accepted during the period.
    public var sent: Int

    /// A sample; counts default to zero.
    public init(start: Date, received: Int = 0, sent: Int = 0) {
        self.start = start
        self.received = received
        self.sent = sent
    }
}

extension BotStore {
    /// Traffic from `start` on, in `count` consecutive periods of `period` each, oldest first.
    /// Periods with no traffic are present with zero counts.
    public func traffic(from start: Date, period: TimeInterval, count: Int) async throws -> [TrafficSample] {
        precondition(period > 0 && count > 0, "traffic needs a positive period and count")
        let origin = start.timeIntervalSince1970
        let end = start.addingTimeInterval(period * Double(count))
        let (received, sent) = try await read { db in
            (
                try Self.counts(in: "inbox", at: "received_at", from: start, period: period, to: end, db),
                try Self.counts(in: "outbox", at: "sent_at", from: start, period: period, to: end, db)
            )
        }
        var samples = (0..<count).map { TrafficSample(start: Date(timeIntervalSince1970: origin + period * Double($0))) }
        for (index, count) in received where samples.indices.contains(index) { samples[index].received = count }
        for (index, count) in sent where samples.indices.contains(index) { samples[index].sent = count }
        return samples
    }

    /// Rows of `table` per period by the time in `column`: period index → count.
    ///
    /// Times are stored as GRDB writes dates (UTC text that sorts in time order), so the range
    /// test uses the column's index and only the grouping converts, to whole milliseconds so
    /// that rounding never moves a row into the period before.
    private static func counts(
        in table: String, at column: String, from start: Date, period: Double, to end: Date, _ db: Database
    ) throws -> [(Int, Int)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT CAST(ROUND((julianday(\(column)) - julianday(?)) * 86400000.0) / ? AS INTEGER) AS period, COUNT(*) AS n
                FROM \(table) WHERE \(column) >= ? AND \(column) < ? GROUP BY period
                """,
            arguments: [start, period * 1000, start, end]
        ).map { ($0["period"], $0["n"]) }
    }
}
