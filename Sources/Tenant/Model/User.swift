/// A person or bot on the platform.
public struct User: Sendable, Hashable, Codable {
    /// The platform's user id.
    public var id: Int64
    /// Whether the account is a bot.
    public var isBot: Bool
    /// First name.
    public var firstName: String
    /// Last name, if any.
    public var lastName: String?
    /// Public username without `@`, if any.
    public var username: String?
    /// IETF language tag of the user's client, if known.
    public var languageCode: String?

    /// Creates a user.
    public init(
        id: Int64, isBot: Bool = false, firstName: String, lastName: String? = nil, username: String? = nil,
        languageCode: String? = nil
    ) {
        self.id = id
        self.isBot = isBot
        self.firstName = firstName
        self.lastName = lastName
        self.username = username
        self.languageCode = languageCode
    }
}
