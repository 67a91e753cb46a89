import Foundation

/// What a snapshot holds, written beside its files as `<name>.json`, last, so a snapshot
/// whose entry exists is complete.
///
/// ```json
/// {"format":1,"name":"han-ru-20261207T143000.250Z","bot":"han-ru","brand":"han",
///  "taken_at":"2026-12-07T14:30:00.250Z","size":106496,"sha256":"9f86…",
///  "manifest_sha256":"2c26…","migrations":["host.v1",…],"poll_offset":81234,
///  "pending_updates":0,"pending_replies":2}
/// ```
///
/// Entries are read back from destinations anyone may have written to: ``parse(_:)`` takes at
/// most ``maximumBytes``, checks every field, and the files' names are always derived from the
/// name, never read from the entry.
struct CatalogEntry: Codable, Sendable, Equatable {
    /// The entry format this build writes and reads.
    static let format = 1
    /// The most bytes an entry may have.
    static let maximumBytes = 64 * 1024
    /// The most schema steps an entry may list.
    static let maximumMigrations = 1_000

    var format = CatalogEntry.format
    /// The snapshot's name, which names its files.
    var name: String
    /// The bot it belongs to (the name's bot).
    var bot: String
    /// The bot's brand when it was taken.
    var brand: String?
    /// When it was taken (the name's time), ISO 8601 in UTC.
    var takenAt: String
    /// The database copy's size in bytes.
    var size: Int64
    /// The database copy's SHA-256, 64 lowercase hex digits.
    var sha256: String
    /// The manifest copy's SHA-256.
    var manifestSHA256: String
    /// The schema steps applied to the copy, sorted.
    var migrations: [String]
    /// The Telegram offset the restored bot continues from; `nil` when it never polled.
    var pollOffset: Int64?
    /// Updates stored and not handled yet in the copy: a restored bot handles them.
    var pendingUpdates: Int
    /// Replies queued and not sent yet in the copy: a restored bot sends them.
    var pendingReplies: Int

    enum CodingKeys: String, CodingKey {
        case format, name, bot, brand, size, sha256, migrations
        case takenAt = "taken_at"
        case manifestSHA256 = "manifest_sha256"
        case pollOffset = "poll_offset"
        case pendingUpdates = "pending_updates"
        case pendingReplies = "pending_replies"
    }

    /// The name, parsed.
    var snapshotName: SnapshotName? { SnapshotName(parsing: name) }

    /// The entry's JSON, keys sorted.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads and checks an entry.
    ///
    /// - Throws: ``CatalogError`` naming the field that is wrong.
    static func parse(_ data: Data) throws(CatalogError) -> CatalogEntry {
        guard data.count <= maximumBytes else { throw CatalogError("the entry is over \(maximumBytes) bytes") }
        let entry: CatalogEntry
        do {
            entry = try JSONDecoder().decode(CatalogEntry.self, from: data)
        } catch let error as DecodingError {
            throw CatalogError("not a catalog entry: \(error.plainDescription)")
        } catch {
            throw CatalogError("not a catalog entry: \(error)")
        }
        try entry.check()
        return entry
    }

    /// Reads and checks an entry found under snapshot `name`'s files, which must be its own.
    static func parse(_ data: Data, of name: SnapshotName) throws(CatalogError) -> CatalogEntry {
        let entry = try parse(data)
        guard entry.name == name.description else { throw CatalogError("name: not the name it was found under") }
        return entry
    }

    /// `entries` by bot, then oldest first.
    static func ordered(_ entries: [CatalogEntry]) -> [CatalogEntry] {
        entries.sorted { ($0.snapshotName!, $0.name) < ($1.snapshotName!, $1.name) }
    }

    private func check() throws(CatalogError) {
        guard format == Self.format else { throw CatalogError("format: \(format) is not \(Self.format)") }
        guard let parsed = snapshotName else { throw CatalogError("name: not a snapshot name") }
        guard parsed.botID == bot else { throw CatalogError("bot: '\(bot)' is not the name's bot") }
        guard takenAt == parsed.isoTime else { throw CatalogError("taken_at: not the name's time") }
        if let brand, brand.isEmpty || brand.utf8.count > 64 || brand.contains(where: \.isNewline) {
            throw CatalogError("brand: not a brand name")
        }
        guard size >= 0 else { throw CatalogError("size: \(size) is negative") }
        guard Self.isDigest(sha256) else { throw CatalogError("sha256: not 64 lowercase hex digits") }
        guard Self.isDigest(manifestSHA256) else { throw CatalogError("manifest_sha256: not 64 lowercase hex digits") }
        guard migrations.count <= Self.maximumMigrations,
            migrations.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 200 && !$0.contains(where: \.isNewline) })
        else { throw CatalogError("migrations: at most \(Self.maximumMigrations) names of 1 to 200 bytes") }
        guard (pollOffset ?? 0) >= 0 else { throw CatalogError("poll_offset: negative") }
        guard pendingUpdates >= 0, pendingReplies >= 0 else { throw CatalogError("pending counts: negative") }
    }

    /// Whether `text` is a SHA-256 in lowercase hex.
    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// A catalog entry that cannot be used, with what is wrong.
struct CatalogError: Error, CustomStringConvertible, Equatable {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
