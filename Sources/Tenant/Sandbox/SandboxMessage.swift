public import Foundation

/// One message of a sandbox conversation, from the person or from the bot.
public struct SandboxMessage: Sendable, Equatable, Codable {
    /// Who wrote it.
    public enum Author: String, Sendable, Codable {
        case user
        case bot
    }

    /// The message id, increasing per conversation; edits keep it.
    public var id: Int64
    /// Who wrote it.
    public var from: Author
    /// The text as sent (HTML or MarkdownV2 when `parseMode` says so).
    public var text: String
    /// `HTML` or `MarkdownV2` when the text is formatted.
    public var parseMode: String?
    /// Inline buttons under the message, row by row.
    public var buttons: [[InlineButton]]
    /// Whether the bot changed its text or caption since it was sent.
    public var edited: Bool
    /// When it was sent.
    public var date: Date
    /// A notice the bot showed for a button press (a callback answer), if any.
    public var notice: String?
    /// Increases with every change to the conversation, so a reader can ask for what is new.
    public var revision: Int64
    /// The photo's file id, when the bot sent a photo (`text` is its caption).
    public var photo: String? = nil
}
