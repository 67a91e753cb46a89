public import Foundation

/// What the host spools for one bot from one Matrix event: the event's neutral meaning with
/// Matrix's string ids already turned into the numbers of the neutral model, and the event as
/// received. It is the stored update that ``MatrixUpdateDecoder`` reads.
public struct MatrixInbound: Sendable, Codable, Equatable {
    /// What the event means to the bot.
    public enum Kind: String, Sendable, Codable {
        /// A person's text message.
        case message
        /// A person's edit of a message (`m.replace`).
        case edit
        /// A press of one of the bot's numbered buttons: a reaction, a bare number or a label.
        case press
        /// A membership changed: the bot was invited, or a person joined, left or was banned.
        case member
        /// The room was replaced (`m.room.tombstone`): the chat moves to ``MatrixInbound/movedTo``.
        case moved
        /// The room turned encrypted (`m.room.encryption`): the bot said so and left.
        case encrypted
        /// Any other event.
        case other
    }

    /// What the event means.
    public var kind: Kind
    /// The Matrix event type (`m.room.message`).
    public var eventType: String
    /// The room, as a chat number.
    public var chat: Int64
    /// Whether the room is a direct chat.
    public var direct: Bool
    /// The sender, as a user number.
    public var sender: Int64
    /// The sender's Matrix id (`@ann:example.org`).
    public var senderID: String
    /// The event, as a message number.
    public var message: Int64
    /// The text of a message or edit; the pressed button's label for a press.
    public var text: String?
    /// The replacement room of a tombstone, as a chat number.
    public var movedTo: Int64?
    /// A photo's `mxc://` URL: the neutral photo's file id.
    public var photo: String?
    /// The message this one answers, or the bot's message whose button was pressed.
    public var replyTo: Int64?
    /// The pressed button's callback data.
    public var data: String?
    /// A member event's new membership (`invite`, `join`, `leave`, `ban`).
    public var membership: String?
    /// Whose membership changed, as a user number, and their Matrix id. In a direct chat a
    /// person's leave, ban, join or invite is the bot's own reach changing: the member is the bot.
    public var member: Int64?
    /// The member's Matrix id.
    public var memberID: String?
    /// Whether ``member`` is the bot (Telegram's `my_chat_member`): its invite, or its direct
    /// chat's person leaving (the chat is then blocked, as when a person blocks a Telegram bot)
    /// or coming back.
    public var concernsBot: Bool?
    /// When the event was sent, in milliseconds since 1970.
    public var timestamp: Int64

    /// Creates an inbound event.
    public init(
        kind: Kind,
        eventType: String,
        chat: Int64,
        direct: Bool,
        sender: Int64,
        senderID: String,
        message: Int64,
        text: String? = nil,
        replyTo: Int64? = nil,
        data: String? = nil,
        membership: String? = nil,
        timestamp: Int64
    ) {
        self.kind = kind
        self.eventType = eventType
        self.chat = chat
        self.direct = direct
        self.sender = sender
        self.senderID = senderID
        self.message = message
        self.text = text
        self.replyTo = replyTo
        self.data = data
        self.membership = membership
        self.timestamp = timestamp
    }
}

/// Decodes the stored ``MatrixInbound`` into the neutral model. Commands begin with `!`
/// (Element keeps `/` for itself) or `/`.
public struct MatrixUpdateDecoder: UpdateDecoder {
    /// Creates a decoder.
    public init() {}

    public func decode(_ raw: Data, botUsername: String?) throws -> Update {
        let stored = try JSONDecoder().decode(Stored.self, from: raw)
        return Update(id: stored.id, content: Self.content(of: stored.inbound, botUsername: botUsername), raw: raw)
    }

    /// The neutral content of an inbound event.
    static func content(of inbound: MatrixInbound, botUsername: String?) -> Update.Content {
        let chat = Chat(id: inbound.chat, kind: inbound.direct ? .private : .group)
        let person = User(
            id: inbound.sender,
            firstName: Self.localpart(of: inbound.senderID),
            username: inbound.senderID
        )
        let date = Date(timeIntervalSince1970: TimeInterval(inbound.timestamp) / 1000)
        switch inbound.kind {
        case .message, .edit:
            let message = Message(
                id: inbound.message,
                chat: chat,
                sender: person,
                date: date,
                text: inbound.photo == nil ? inbound.text ?? "" : inbound.text,
                command: inbound.photo == nil ? command(in: inbound.text ?? "", botUsername: botUsername) : nil,
                attachment: inbound.photo.map { .photo(fileID: $0) },
                replyToMessageID: inbound.replyTo
            )
            return inbound.kind == .message ? .message(message) : .editedMessage(message)
        case .press:
            let pressed = inbound.replyTo.map { Message(id: $0, chat: chat, sender: nil, date: date) }
            return .callbackQuery(
                CallbackQuery(id: "\(inbound.message)", sender: person, message: pressed, data: inbound.data)
            )
        case .member:
            guard let change = memberChange(of: inbound, chat: chat, actor: person) else {
                return .other(type: inbound.eventType)
            }
            return .memberChange(change)
        case .moved:
            // As Telegram tells of a group that became a supergroup: a message naming the new chat.
            return .message(Message(id: inbound.message, chat: chat, sender: person, date: date, migrateToChatID: inbound.movedTo))
        case .encrypted:
            // The bot left: for the model, as if it had been removed from the chat.
            let bot = User(id: inbound.member ?? 0, firstName: localpart(of: inbound.memberID ?? ""), username: inbound.memberID)
            return .memberChange(
                MemberChange(chat: chat, actor: person, member: bot, oldStatus: "member", newStatus: "left", concernsBot: true)
            )
        case .other:
            return .other(type: inbound.eventType)
        }
    }

    /// A membership event as a member change: `leave` is `left`, `ban` is `kicked`, `join` and
    /// `invite` are `member`; any other membership is no change the model describes.
    static func memberChange(of inbound: MatrixInbound, chat: Chat, actor: User) -> MemberChange? {
        let status: String
        switch inbound.membership {
        case "leave": status = "left"
        case "ban": status = "kicked"
        case "join", "invite": status = "member"
        default: return nil
        }
        guard let member = inbound.member, let memberID = inbound.memberID else { return nil }
        return MemberChange(
            chat: chat,
            actor: actor,
            member: User(id: member, firstName: localpart(of: memberID), username: memberID),
            oldStatus: status == "member" ? "left" : "member",
            newStatus: status,
            concernsBot: inbound.concernsBot ?? false
        )
    }

    /// A command written `!name args` or `/name args`.
    static func command(in text: String, botUsername: String?) -> Command? {
        if text.hasPrefix("!") { return Command.parse("/" + text.dropFirst(), botUsername: botUsername) }
        return Command.parse(text, botUsername: botUsername)
    }

    /// `ann` of `@ann:example.org`.
    static func localpart(of userID: String) -> String {
        let name = userID.dropFirst(userID.hasPrefix("@") ? 1 : 0).prefix { $0 != ":" }
        return name.isEmpty ? userID : String(name)
    }

    /// The stored form: the ingest sequence, the inbound event and the Matrix event as received.
    public struct Stored: Codable, Sendable {
        /// The host's ingest sequence number: the update's id.
        public var id: Int64
        /// The neutral meaning.
        public var inbound: MatrixInbound
        /// The event's JSON as received, as text.
        public var event: String

        /// Creates the stored form.
        public init(id: Int64, inbound: MatrixInbound, event: Data) {
            self.id = id
            self.inbound = inbound
            self.event = String(decoding: event, as: UTF8.self)
        }
    }
}
