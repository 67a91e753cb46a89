public import Foundation
public import GRDB

/// Which chats a broadcast goes to. Chats that blocked the bot are always left out.
public struct BroadcastFilter: Codable, Sendable, Equatable {
    /// Chat kinds to include (`private`, `group`, `supergroup`, `channel`); default private chats only.
    public var kinds: [String]
    /// Only chats seen at or after this time.
    public var activeSince: Date?
    /// Only people whose client language starts with one of these codes (`ru`, `en`).
    public var languages: [String]?

    /// Creates a filter.
    public init(kinds: [String] = ["private"], activeSince: Date? = nil, languages: [String]? = nil) {
        self.kinds = kinds
        self.activeSince = activeSince
        self.languages = languages
    }

    enum CodingKeys: String, CodingKey {
        case kinds
        case activeSince = "active_since"
        case languages
    }
}

/// How far a broadcast got.
public struct BroadcastProgress: Sendable, Equatable {
    /// The broadcast's id.
    public var id: Int64
    /// Messages queued when it started.
    public var total: Int
    /// Accepted by the platform.
    public var sent: Int
    /// Still waiting.
    public var pending: Int
    /// Given up on (blocked chats, permanent errors).
    public var failed: Int
    /// When it started.
    public var createdAt: Date

    /// Whether every message was sent or given up on.
    public var isFinished: Bool { pending == 0 }
}

extension BotStore {
    /// Queues the message for every matching chat (in parts when it is long), inside a
    /// caller's transaction. `total` counts the messages queued.
    ///
    /// - Parameters:
    ///   - text: The broadcast's text, kept for the record.
    ///   - filter: Which chats get it.
    ///   - payloads: The outbox payloads for one chat id, in order (a long text is several parts).
    /// - Returns: The broadcast id and the queued rows.
    public static func enqueueBroadcast(
        text: String, filter: BroadcastFilter, at date: Date, in db: Database,
        payloads: (Int64) throws -> [String]
    ) throws -> (id: Int64, rows: [OutboxRecord]) {
        var conditions = ["c.blocked = 0"]
        var arguments: [any DatabaseValueConvertible] = []
        conditions.append("c.kind IN (\(filter.kinds.map { _ in "?" }.joined(separator: ",")))")
        arguments.append(contentsOf: filter.kinds)
        if let since = filter.activeSince {
            conditions.append("c.last_seen >= ?")
            arguments.append(since)
        }
        if let languages = filter.languages, !languages.isEmpty {
            let likes = languages.map { _ in "u.language_code LIKE ?" }.joined(separator: " OR ")
            conditions.append("(\(likes))")
            arguments.append(contentsOf: languages.map { "\($0)%" })
        }
        let chatIDs = try Int64.fetchAll(
            db,
            sql: """
                SELECT c.id FROM chats c LEFT JOIN users u ON u.id = c.id
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY c.id
                """,
            arguments: StatementArguments(arguments))
        let filterJSON = String(decoding: try JSONEncoder().encode(filter), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO broadcasts (text, filter, total, created_at) VALUES (?, ?, 0, ?)",
            arguments: [text, filterJSON, StoredDate(date)])
        let id = db.lastInsertedRowID
        var rows: [OutboxRecord] = []
        for chatID in chatIDs {
            for payload in try payloads(chatID) {
                var row = OutboxRecord(chatID: chatID, updateID: nil, payload: payload, createdAt: date, broadcastID: id)
                try row.insert(db)
                rows.append(row)
            }
        }
        try db.execute(sql: "UPDATE broadcasts SET total = ? WHERE id = ?", arguments: [rows.count, id])
        return (id, rows)
    }

    /// The progress of one broadcast, or of the latest when `id` is `nil`.
    public func broadcastProgress(id: Int64? = nil) async throws -> BroadcastProgress? {
        try await read { db in
            let row: Row?
            if let id {
                row = try Row.fetchOne(
                    db, sql: "SELECT id, total, created_at, pruned_sent, pruned_failed FROM broadcasts WHERE id = ?",
                    arguments: [id])
            } else {
                row = try Row.fetchOne(
                    db,
                    sql: "SELECT id, total, created_at, pruned_sent, pruned_failed FROM broadcasts ORDER BY id DESC LIMIT 1")
            }
            guard let row else { return nil }
            let broadcastID: Int64 = row["id"]
            var counts: [String: Int] = [:]
            for status in try Row.fetchAll(
                db, sql: "SELECT status, COUNT(*) AS n FROM outbox WHERE broadcast_id = ? GROUP BY status",
                arguments: [broadcastID])
            {
                counts[status["status"]] = status["n"]
            }
            return BroadcastProgress(
                id: broadcastID, total: row["total"], sent: (counts["sent"] ?? 0) + row["pruned_sent"],
                pending: counts["pending"] ?? 0, failed: (counts["dead"] ?? 0) + row["pruned_failed"],
                createdAt: row["created_at"])
        }
    }
}
