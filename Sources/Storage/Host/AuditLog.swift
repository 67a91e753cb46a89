import Crypto
public import Foundation
import GRDB
public import Logging

/// The host's append-only, hash-chained record of every change (`audit_log` in ``HostDatabase``).
///
/// Each record carries the SHA-256 of the record before it, so that editing, removing or
/// reordering history breaks the chain, which ``verify()`` finds. Triggers refuse `UPDATE` and
/// `DELETE` on the table; the chain catches changes made around them. Every record is also
/// logged as one JSON line (`audit: {…}`).
///
/// ```swift
/// await audit.record(AuditEntry(actor: "admin", action: "bot.stopped", bot: "han-ru", outcome: "ok"))
/// ```
public struct AuditLog: Sendable {
    /// The hash before the first record.
    public static let genesis = String(repeating: "0", count: 64)

    private let database: HostDatabase
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// A log in `database`, writing its JSON lines to `logger`; `now` gives each record's time.
    public init(database: HostDatabase, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.logger = logger
        self.now = now
    }

    /// Appends `entry` to the chain and logs it; a failure to store it is logged as an error
    /// (the change it describes has happened already) and answers `nil`.
    ///
    /// The write runs in a task of its own: a caller cancelled meanwhile (a host shutting down
    /// right after a reload) still gets its record, since the change it describes happened.
    @discardableResult
    public func record(_ entry: AuditEntry) async -> AuditRecord? {
        let milliseconds = Int64((now().timeIntervalSince1970 * 1000).rounded(.down))
        let writer = database.writer
        do {
            let record = try await Task { try await Self.append(entry, at: milliseconds, to: writer) }.value
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let line = (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            logger.notice("audit: \(line)", metadata: ["audit.action": "\(entry.action)"])
            return record
        } catch {
            logger.error("audit: cannot store a record of \(entry.action): \(error)")
            return nil
        }
    }

    /// Writes `entry` as the chain's next record.
    private static func append(
        _ entry: AuditEntry, at milliseconds: Int64, to writer: any DatabaseWriter
    ) async throws -> AuditRecord {
        try await writer.write { db in
            let last = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            let id: Int64 = (last?["id"] ?? 0) + 1
            let previous: String = last?["hash"] ?? Self.genesis
            let hash = Self.hash(id: id, atMilliseconds: milliseconds, entry: entry, previousHash: previous)
            try db.execute(
                sql: """
                    INSERT INTO audit_log
                    (id, at_ms, actor, address, action, bot, brand, outcome, detail, previous_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, milliseconds, entry.actor, entry.address, entry.action, entry.bot, entry.brand,
                    entry.outcome, entry.detail, previous, hash,
                ]
            )
            return AuditRecord(
                id: id,
                atMilliseconds: milliseconds,
                entry: entry,
                previousHash: previous,
                hash: hash
            )
        }
    }

    /// Records matching `query`, newest first.
    public func records(_ query: AuditQuery) async throws -> [AuditRecord] {
        try await database.writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let bot = query.bot {
                conditions.append("bot = ?")
                _ = arguments.append(contentsOf: [bot])
            }
            if let brand = query.brand {
                conditions.append("brand = ?")
                _ = arguments.append(contentsOf: [brand])
            }
            if let since = query.since {
                conditions.append("at_ms >= ?")
                _ = arguments.append(contentsOf: [Int64((since.timeIntervalSince1970 * 1000).rounded(.up))])
            }
            if let before = query.before {
                conditions.append("id < ?")
                _ = arguments.append(contentsOf: [before])
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            _ = arguments.append(contentsOf: [query.limit])
            return try AuditRecord.fetchAll(
                db,
                sql: "SELECT * FROM audit_log \(filter) ORDER BY id DESC LIMIT ?",
                arguments: arguments
            )
        }
    }

    /// Walks the whole chain in order, recomputing every hash.
    public func verify() async throws -> AuditVerification {
        try await database.writer.read { db in
            var previous = Self.genesis
            var expectedID: Int64 = 1
            var count = 0
            let cursor = try AuditRecord.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY id")
            while let record = try cursor.next() {
                let recomputed = Self.hash(
                    id: record.id,
                    atMilliseconds: record.atMilliseconds,
                    entry: record.entry,
                    previousHash: record.previousHash
                )
                if record.id != expectedID {
                    return .broken(id: record.id, reason: "record \(expectedID) is missing (the next is \(record.id))")
                }
                if record.previousHash != previous {
                    return .broken(
                        id: record.id,
                        reason: "its previous hash is not the hash of record \(record.id - 1)"
                    )
                }
                if recomputed != record.hash {
                    return .broken(id: record.id, reason: "its fields do not match its hash: it was changed")
                }
                previous = record.hash
                expectedID += 1
                count += 1
            }
            return .intact(records: count)
        }
    }

    /// SHA-256 over the previous hash and every field, each prefixed by its length in bytes (so
    /// that no two different records write the same text), as 64 hex digits.
    static func hash(id: Int64, atMilliseconds: Int64, entry: AuditEntry, previousHash: String) -> String {
        let fields: [String?] = [
            previousHash, "\(id)", "\(atMilliseconds)", entry.actor, entry.address, entry.action, entry.bot,
            entry.brand, entry.outcome, entry.detail,
        ]
        let text = fields.map { field in field.map { "\($0.utf8.count):\($0)" } ?? "-" }.joined(separator: "|")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Which audit records to read: filters, and where a page starts.
public struct AuditQuery: Sendable, Equatable {
    /// Only this bot's records.
    public var bot: String?
    /// Only this brand's records.
    public var brand: String?
    /// Only records made at or after this time.
    public var since: Date?
    /// Only records older than this record id (the next page of a newest-first listing).
    public var before: Int64?
    /// At most this many records.
    public var limit: Int

    /// A query; every filter optional.
    public init(bot: String? = nil, brand: String? = nil, since: Date? = nil, before: Int64? = nil, limit: Int = 50) {
        self.bot = bot
        self.brand = brand
        self.since = since
        self.before = before
        self.limit = limit
    }
}

/// What ``AuditLog/verify()`` found.
public enum AuditVerification: Sendable, Equatable {
    /// Every record chains to the one before; `records` were checked.
    case intact(records: Int)
    /// The chain breaks at record `id`, for `reason`.
    case broken(id: Int64, reason: String)
}
