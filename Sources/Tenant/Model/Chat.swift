/// A conversation: a private chat with one person, a group, or a channel.
public struct Chat: Sendable, Hashable, Codable {
    /// What kind of conversation it is.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// One person and the bot.
        case `private`
        /// A basic group.
        case group
        /// A supergroup.
        case supergroup
        /// A broadcast channel.
        case channel
    }

    /// The platform's chat id.
    public var id: Int64
    /// What kind of conversation it is.
    public var kind: Kind
    /// A group's or channel's title.
    public var title: String?
    /// The chat's public username, if any.
    public var username: String?

    /// Creates a chat.
    public init(id: Int64, kind: Kind, title: String? = nil, username: String? = nil) {
        self.id = id
        self.kind = kind
        self.title = title
        self.username = username
    }
}
