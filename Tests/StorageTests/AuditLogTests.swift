import Foundation
import GRDB
import Logging
import Storage
import Testing

/// The audit log: an append-only chain whose every record carries the hash of the one before.
@Suite("Audit log", .timeLimit(.minutes(1)))
struct AuditLogTests {
    static func log() throws -> (AuditLog, DatabaseQueue) {
        let queue = try DatabaseQueue()
        return (AuditLog(database: try HostDatabase(writer: queue), logger: Logger(label: "audit-test")), queue)
    }

    static func fill(_ log: AuditLog, count: Int) async {
        for index in 0..<count {
            await log.record(
                AuditEntry(
                    actor: index % 2 == 0 ? "admin" : "brand:han",
                    address: "10.0.0.\(index)",
                    action: "manifest.edited",
                    bot: "bot-\(index % 3)",
                    brand: index % 2 == 0 ? nil : "han",
                    outcome: "restarted",
                    detail: "name: \"a\" → \"b\""
                )
            )
        }
    }

    @Test("a record asked for by a task being cancelled (a shutdown) is still stored")
    func cancelledCallerStillRecords() async throws {
        let (log, queue) = try Self.log()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await log.record(AuditEntry(actor: "signal", action: "reload", outcome: "ok"))
        }
        #expect(await task.value != nil)
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM audit_log") } == 1)
    }

    @Test("records chain from the genesis hash; verify walks them all")
    func chainIsIntact() async throws {
        let (log, _) = try Self.log()
        #expect(try await log.verify() == .intact(records: 0))
        await Self.fill(log, count: 5)
        let records = try await log.records(AuditQuery(limit: 10))
        #expect(records.map(\.id) == [5, 4, 3, 2, 1])
        #expect(records.last?.previousHash == AuditLog.genesis)
        for (newer, older) in zip(records, records.dropFirst()) {
            #expect(newer.previousHash == older.hash)
        }
        #expect(try await log.verify() == .intact(records: 5))
    }

    @Test("the table refuses UPDATE and DELETE")
    func appendOnly() async throws {
        let (log, queue) = try Self.log()
        await Self.fill(log, count: 2)
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE audit_log SET outcome = 'ok'") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "DELETE FROM audit_log WHERE id = 1") }
        }
    }

    @Test("a changed field, a removed record or a forged hash breaks the chain where it happened")
    func tamperingIsFound() async throws {
        for (tamper, brokenAt) in [
            ("UPDATE audit_log SET actor = 'someone else' WHERE id = 3", Int64(3)),
            ("DELETE FROM audit_log WHERE id = 2", 3),
            ("UPDATE audit_log SET hash = '\(String(repeating: "a", count: 64))' WHERE id = 4", 4),
            ("DELETE FROM audit_log WHERE id = 6", Int64.max),
        ] {
            let (log, queue) = try Self.log()
            await Self.fill(log, count: 6)
            try await queue.write { db in
                try db.execute(sql: "DROP TRIGGER audit_log_no_update")
                try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
                try db.execute(sql: tamper)
            }
            let result = try await log.verify()
            if brokenAt == .max {
                // Cutting the newest records off leaves a shorter chain that still holds: the
                // count of records is what tells (`aviary audit verify` prints it).
                #expect(result == .intact(records: 5), "\(tamper)")
            } else {
                guard case .broken(let id, _) = result else {
                    Issue.record("\(tamper) went unnoticed")
                    continue
                }
                #expect(id == brokenAt, "\(tamper)")
            }
        }
    }

    @Test("filters: bot, brand, since, before and limit; a long detail is cut")
    func queries() async throws {
        let clock = ManualTime()
        let queue = try DatabaseQueue()
        let log = AuditLog(
            database: try HostDatabase(writer: queue),
            logger: Logger(label: "audit-test"),
            now: { clock.now }
        )
        await Self.fill(log, count: 6)
        clock.now = Date(timeIntervalSince1970: 2_000_000)
        await log.record(
            AuditEntry(actor: "admin", action: "reload", outcome: "ok", detail: String(repeating: "x", count: 20_000))
        )
        #expect(try await log.records(AuditQuery(bot: "bot-1")).map(\.id) == [5, 2])
        #expect(try await log.records(AuditQuery(brand: "han")).map(\.id) == [6, 4, 2])
        #expect(try await log.records(AuditQuery(since: clock.now)).map(\.id) == [7])
        #expect(try await log.records(AuditQuery(before: 3, limit: 1)).map(\.id) == [2])
        let newest = try #require(try await log.records(AuditQuery(limit: 1)).first)
        #expect(newest.entry.detail?.count == AuditEntry.maximumDetail)
        #expect(try await log.verify() == .intact(records: 7))
    }
}

/// A settable clock for ``AuditLog``'s times.
final class ManualTime: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Date(timeIntervalSince1970: 1_000_000)

    /// The time now; set it to move it.
    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
