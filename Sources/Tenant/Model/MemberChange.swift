/// A change of someone's membership in a chat, including the bot's own (blocked, kicked, added).
public struct MemberChange: Sendable, Hashable {
    /// Where the change happened.
    public var chat: Chat
    /// Who made the change.
    public var actor: User
    /// Whose membership changed.
    public var member: User
    /// The status before (`member`, `kicked`, `left`, `administrator`, …).
    public var oldStatus: String
    /// The status after.
    public var newStatus: String
    /// Whether the member is this bot (Telegram's `my_chat_member`).
    public var concernsBot: Bool

    /// Creates a member change.
    public init(chat: Chat, actor: User, member: User, oldStatus: String, newStatus: String, concernsBot: Bool) {
        self.chat = chat
        self.actor = actor
        self.member = member
        self.oldStatus = oldStatus
        self.newStatus = newStatus
        self.concernsBot = concernsBot
    }
}
