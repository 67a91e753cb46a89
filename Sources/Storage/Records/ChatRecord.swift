public import Foundation
public import GRDB

/// A chat the bot has seen.
public struct ChatRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, StoredDateEncoding {
    public static let databaseTableName = "chats"

    /// The platform's chat id.
    public var id: Int64
    /// `private`, `group`, `supergroup` or `channel`.
    public var kind: String
    /// The group's title, if any.
    public var title: String?
    /// The chat's public username, if any.
    public var username: String?
    /// Whether the user blocked the bot (nothing is sent until they write again).
    public var blocked: Bool
    /// When the bot first saw it.
    public var firstSeen: Date
    /// When the bot last saw it.
    public var lastSeen: Date

    /// Creates a record.
    public init(
        id: Int64, kind: String, title: String?, username: String?, blocked: Bool, firstSeen: Date,
        lastSeen: Date
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.username = username
        self.blocked = blocked
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, title, username, blocked
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}
