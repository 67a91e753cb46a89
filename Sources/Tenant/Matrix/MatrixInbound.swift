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
        /// The bot was invited, or a person left.
        case member
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
    /// The message this one answers, or the bot's message whose button was pressed.
    public var replyTo: Int64?
    /// The pressed button's callback data.
    public var data: String?
    /// A member event's new membership (`invite`, `leave`).
    public var membership: String?
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
            let text = inbound.text ?? ""
            let message = Message(
                id: inbound.message,
                chat: chat,
                sender: person,
                date: date,
                text: text,
                command: command(in: text, botUsername: botUsername),
                replyToMessageID: inbound.replyTo
            )
            return inbound.kind == .message ? .message(message) : .editedMessage(message)
        case .press:
            let pressed = inbound.replyTo.map { Message(id: $0, chat: chat, sender: nil, date: date) }
            return .callbackQuery(
                CallbackQuery(id: "\(inbound.message)", sender: person, message: pressed, data: inbound.data)
            )
        case .member, .other:
            return .other(type: inbound.eventType)
        }
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
