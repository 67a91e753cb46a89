public import Foundation

/// What a plugin knows about the bot it runs in, from the manifest and the platform.
public struct BotDescriptor: Sendable, Hashable {
    /// The bot's id from its manifest (`han-ru`).
    public var id: String
    /// The display name.
    public var name: String
    /// The brand the bot belongs to, if any.
    public var brand: String?
    /// The manifest's default locale (`ru`), if any.
    public var locale: String?
    /// The bot's default time zone (manifest `time_zone`); people may have their own, see
    /// ``PluginContext/timeZone(ofUser:)``.
    public var timeZone: TimeZone
    /// Platform user ids allowed to run admin commands.
    public var admins: Set<Int64>

    /// Creates a descriptor; the time zone is UTC unless given.
    public init(
        id: String, name: String, brand: String? = nil, locale: String? = nil,
        timeZone: TimeZone = TimeZone(identifier: "UTC")!, admins: Set<Int64> = []
    ) {
        self.id = id
        self.name = name
        self.brand = brand
        self.locale = locale
        self.timeZone = timeZone
        self.admins = admins
    }
}

/// Who the bot is on its platform, learned at start (`getMe` on Telegram).
public struct BotIdentity: Sendable, Hashable {
    /// The bot's platform user id.
    public var userID: Int64
    /// The bot's username without `@`, used to recognise commands addressed to it.
    public var username: String?
    /// The bot's display name on the platform.
    public var displayName: String

    /// Creates an identity.
    public init(userID: Int64, username: String?, displayName: String) {
        self.userID = userID
        self.username = username
        self.displayName = displayName
    }
}
