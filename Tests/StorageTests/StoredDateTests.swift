import Foundation
import GRDB
import Testing
@testable import Storage

@Suite("Stored dates")
struct StoredDateTests {
    /// GRDB's own text for `date` (through its shared DateFormatter).
    private func grdbText(_ date: Date) -> String? {
        String.fromDatabaseValue(date.databaseValue)
    }

    @Test("the text is GRDB's, to the millisecond, across eras, leap days and day boundaries")
    func matchesGRDB() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [TimeInterval] = [
            0, -1, -0.001, 0.999, 951_782_400, 951_868_799.999, 4_107_542_399.5, -2_208_988_800, 1_767_225_599.999,
            253_402_300_799.9,
        ]
        let random = (0..<2_000).map { _ in
            TimeInterval(Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator)) / 1000
        }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredDate(date).text == grdbText(date), "\(seconds)")
        }
    }

    @Test("records write it and read back the same instant, to the millisecond")
    func roundTrip() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (at TEXT)")
            let date = Date(timeIntervalSince1970: 1_796_000_000.125)
            try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [StoredDate(date)])
            let text = try String.fetchOne(db, sql: "SELECT at FROM t")
            #expect(text == "2026-11-30 00:53:20.125")
            let back = try Date.fetchOne(db, sql: "SELECT at FROM t")
            #expect(abs((back?.timeIntervalSince1970 ?? 0) - date.timeIntervalSince1970) < 0.001)
        }
    }
}
