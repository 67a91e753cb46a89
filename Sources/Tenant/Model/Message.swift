public import Foundation

/// A message in a chat.
public struct Message: Sendable, Hashable {
    /// The message id within its chat.
    public var id: Int64
    /// Where it was sent.
    public var chat: Chat
    /// Who sent it; absent for channel posts.
    public var sender: User?
    /// When it was sent.
    public var date: Date
    /// The text, or a media item's caption.
    public var text: String?
    /// The command at the start of the text, if it is addressed to this bot.
    public var command: Command?
    /// What the message carries besides text.
    public var attachment: Attachment?
    /// The id of the message this one answers, if any.
    public var replyToMessageID: Int64?
    /// Set when a group became a supergroup: the new chat id.
    public var migrateToChatID: Int64?

    /// Creates a message.
    public init(
        id: Int64, chat: Chat, sender: User?, date: Date, text: String? = nil, command: Command? = nil,
        attachment: Attachment? = nil, replyToMessageID: Int64? = nil, migrateToChatID: Int64? = nil
    ) {
        self.id = id
        self.chat = chat
        self.sender = sender
        self.date = date
        self.text = text
        self.command = command
        self.attachment = attachment
        self.replyToMessageID = replyToMessageID
        self.migrateToChatID = migrateToChatID
    }
}

/// Media or structured content carried by a message.
public enum Attachment: Sendable, Hashable {
    /// A photo; `fileID` names the largest size.
    case photo(fileID: String)
    /// A sticker.
    case sticker(fileID: String, emoji: String?)
    /// A point on the map.
    case location(latitude: Double, longitude: Double)
    /// A shared contact.
    case contact(phoneNumber: String, firstName: String, userID: Int64?)
    /// A file.
    case document(fileID: String, fileName: String?)
    /// Any other content the model does not describe yet, by the platform's field name.
    case other(String)
}
