public import Foundation

/// How a sandbox update is stored in the inbox: what a person did in the sandbox, in the
/// sandbox's own JSON, decoded by ``SandboxUpdateDecoder`` into the neutral model.
public struct SandboxUpdate: Codable, Sendable, Equatable {
    /// What the person did.
    public enum Kind: String, Codable, Sendable {
        /// Wrote a message.
        case message
        /// Pressed an inline button under one of the bot's messages.
        case buttonPress = "button_press"
    }

    /// The update id, increasing per bot.
    public var id: Int64
    /// What the person did.
    public var kind: Kind
    /// Who did it; their private chat with the bot has their id.
    public var user: User
    /// When it happened.
    public var date: Date
    /// The person's message id (`message`) or the bot's message whose button was pressed (`button_press`).
    public var messageID: Int64
    /// The text written (a photo's caption), for `message`.
    public var text: String?
    /// A photo's file id, for a `message` that carries one.
    public var photo: String?
    /// The button's data, for `button_press`.
    public var data: String?
    /// The pressed message's text, for `button_press`.
    public var pressedMessageText: String?
    /// The press's id, answered by ``CallbackAnswer``.
    public var callbackID: String?

    /// The keys as stored.
    enum CodingKeys: String, CodingKey {
        case id, kind, user, date, text, photo, data
        case messageID = "message_id"
        case pressedMessageText = "pressed_message_text"
        case callbackID = "callback_id"
    }
}
