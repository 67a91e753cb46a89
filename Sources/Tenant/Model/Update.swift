public import Foundation

/// One event from a platform, in the platform-neutral model plugins see.
public struct Update: Sendable {
    /// What happened.
    public enum Content: Sendable {
        /// A new message.
        case message(Message)
        /// A message was edited.
        case editedMessage(Message)
        /// An inline button was pressed.
        case callbackQuery(CallbackQuery)
        /// Someone's membership in a chat changed.
        case memberChange(MemberChange)
        /// An update type the model does not describe; `raw` holds the platform's JSON.
        case other(type: String)
        /// A job a plugin scheduled came due; only that plugin's ``Plugin/fire(_:context:)`` sees it.
        case scheduled(ScheduledJob)
    }

    /// The platform's update id, unique and increasing per bot.
    public var id: Int64
    /// What happened.
    public var content: Content
    /// The update exactly as the platform sent it.
    public var raw: Data

    /// Creates an update.
    public init(id: Int64, content: Content, raw: Data) {
        self.id = id
        self.content = content
        self.raw = raw
    }

    /// The kind of update, for matching a plugin's interests.
    public var kind: UpdateKind {
        switch content {
        case .message: .message
        case .editedMessage: .editedMessage
        case .callbackQuery: .callbackQuery
        case .memberChange: .memberChange
        case .other(let type): .other(type)
        case .scheduled: .scheduled
        }
    }

    /// The chat the update belongs to, if any.
    public var chat: Chat? {
        switch content {
        case .message(let message), .editedMessage(let message): message.chat
        case .callbackQuery(let query): query.message?.chat
        case .memberChange(let change): change.chat
        case .other, .scheduled: nil
        }
    }

    /// The person who caused the update, if known.
    public var sender: User? {
        switch content {
        case .message(let message), .editedMessage(let message): message.sender
        case .callbackQuery(let query): query.sender
        case .memberChange(let change): change.actor
        case .other, .scheduled: nil
        }
    }

    /// The new message, if this update is one.
    public var message: Message? {
        if case .message(let message) = content { return message }
        return nil
    }

    /// The scheduled job that came due, if this update is one.
    public var scheduledJob: ScheduledJob? {
        if case .scheduled(let job) = content { return job }
        return nil
    }

    /// The button press, if this update is one.
    public var callbackQuery: CallbackQuery? {
        if case .callbackQuery(let query) = content { return query }
        return nil
    }
}

/// The kinds of update a plugin can ask for; they decide which updates the platform sends at all.
public struct UpdateKind: Sendable, Hashable, CustomStringConvertible {
    /// The kind's name: a neutral name, or the platform's own for `other`.
    public let name: String

    private init(name: String) {
        self.name = name
    }

    /// New messages.
    public static let message = UpdateKind(name: "message")
    /// Edited messages.
    public static let editedMessage = UpdateKind(name: "edited_message")
    /// Inline button presses.
    public static let callbackQuery = UpdateKind(name: "callback_query")
    /// Membership changes, including the bot being blocked or added.
    public static let memberChange = UpdateKind(name: "member_change")
    /// A platform update type the neutral model does not describe, by the platform's name.
    public static func other(_ platformType: String) -> UpdateKind { UpdateKind(name: "other:" + platformType) }
    /// A plugin's scheduled job came due (never from a platform; see ``Plugin/fire(_:context:)``).
    public static let scheduled = UpdateKind(name: "scheduled")
    /// Every update type the neutral model does not describe, including types that do not exist yet.
    public static let anyOther = UpdateKind(name: "other:*")

    /// Whether this is a platform type outside the neutral model.
    public var isOther: Bool { name.hasPrefix("other:") }

    /// The platform's type name for an `other` kind (`pre_checkout_query`), `*` for ``anyOther``.
    public var platformType: String? { isOther ? String(name.dropFirst("other:".count)) : nil }

    public var description: String { name }
}
