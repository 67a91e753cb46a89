public import Foundation
public import GRDB

/// One change to record: who did what to which bot, and how it went.
public struct AuditEntry: Sendable, Equatable {
    /// Who: `admin`, `brand:han (Han operators)`, `signal`, or the unknown token's caller.
    public var actor: String
    /// The client's address, when the change came over HTTP.
    public var address: String?
    /// What: `manifest.created`, `manifest.edited`, `reload`, `bot.stopped`, `sign_in`, ….
    public var action: String
    /// The bot it concerned, if one.
    public var bot: String?
    /// That bot's brand (or the caller's, for a brand token's sign-in), if any.
    public var brand: String?
    /// How it went: `ok`, `refused`, `failed`, or a short result such as `restarted`.
    public var outcome: String
    /// More, such as a manifest's diff with secrets masked; at most ``AuditEntry/maximumDetail`` characters.
    public var detail: String?

    /// The most characters of ``detail`` kept; a longer one is cut and ends with `…`.
    public static let maximumDetail = 16_384

    /// An entry; `detail` is cut to ``maximumDetail`` characters.
    public init(
        actor: String,
        address: String? = nil,
        action: String,
        bot: String? = nil,
        brand: String? = nil,
        outcome: String,
        detail: String? = nil
    ) {
        self.actor = actor
        self.address = address
        self.action = action
        self.bot = bot
        self.brand = brand
        self.outcome = outcome
        self.detail = detail.map {
            $0.count > Self.maximumDetail ? String($0.prefix(Self.maximumDetail - 1)) + "…" : $0
        }
    }
}

/// An entry as stored: its place in the chain and the hashes that chain it.
public struct AuditRecord: Sendable, Equatable, Codable, FetchableRecord {
    /// The record's number, growing by one from 1.
    public var id: Int64
    /// When it was recorded, in milliseconds since 1970.
    public var atMilliseconds: Int64
    /// The change.
    public var entry: AuditEntry
    /// The hash of the record before (64 zeros for the first).
    public var previousHash: String
    /// SHA-256 of ``previousHash`` and this record's fields, as 64 hex digits.
    public var hash: String

    /// When it was recorded.
    public var at: Date { Date(timeIntervalSince1970: Double(atMilliseconds) / 1000) }

    enum Columns: String, CodingKey, ColumnExpression {
        case id, actor, address, action, bot, brand, outcome, detail, hash
        case atMilliseconds = "at_ms"
        case previousHash = "previous_hash"
    }

    /// A record read from a row of `audit_log`.
    public init(row: Row) {
        id = row[Columns.id]
        atMilliseconds = row[Columns.atMilliseconds]
        entry = AuditEntry(
            actor: row[Columns.actor],
            address: row[Columns.address],
            action: row[Columns.action],
            bot: row[Columns.bot],
            brand: row[Columns.brand],
            outcome: row[Columns.outcome],
            detail: row[Columns.detail]
        )
        previousHash = row[Columns.previousHash]
        hash = row[Columns.hash]
    }

    /// A record with every field given.
    public init(id: Int64, atMilliseconds: Int64, entry: AuditEntry, previousHash: String, hash: String) {
        self.id = id
        self.atMilliseconds = atMilliseconds
        self.entry = entry
        self.previousHash = previousHash
        self.hash = hash
    }

    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "audit records are read from rows"))
    }

    /// The record as one JSON object (the audit log's log line and the API's item).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Columns.self)
        try container.encode(id, forKey: .id)
        try container.encode(atMilliseconds, forKey: .atMilliseconds)
        try container.encode(entry.actor, forKey: .actor)
        try container.encodeIfPresent(entry.address, forKey: .address)
        try container.encode(entry.action, forKey: .action)
        try container.encodeIfPresent(entry.bot, forKey: .bot)
        try container.encodeIfPresent(entry.brand, forKey: .brand)
        try container.encode(entry.outcome, forKey: .outcome)
        try container.encodeIfPresent(entry.detail, forKey: .detail)
        try container.encode(previousHash, forKey: .previousHash)
        try container.encode(hash, forKey: .hash)
    }
}
