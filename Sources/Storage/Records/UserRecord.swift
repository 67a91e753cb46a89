public import Foundation
public import GRDB

/// A person (or bot) the bot has seen.
public struct UserRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, StoredDateEncoding {
    public static let databaseTableName = "users"

    /// The platform's user id.
    public var id: Int64
    /// Whether the account is a bot.
    public var isBot: Bool
    /// First name as the platform reports it.
    public var firstName: String
    /// Last name, if any.
    public var lastName: String?
    /// Public username, if any.
    public var username: String?
    /// IETF language tag of the user's client, if known.
    public var languageCode: String?
    /// When the bot first saw them.
    public var firstSeen: Date
    /// When the bot last saw them.
    public var lastSeen: Date

    /// Creates a record.
    public init(
        id: Int64, isBot: Bool, firstName: String, lastName: String?, username: String?,
        languageCode: String?, firstSeen: Date, lastSeen: Date
    ) {
        self.id = id
        self.isBot = isBot
        self.firstName = firstName
        self.lastName = lastName
        self.username = username
        self.languageCode = languageCode
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case id
        case isBot = "is_bot"
        case firstName = "first_name"
        case lastName = "last_name"
        case username
        case languageCode = "language_code"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}
