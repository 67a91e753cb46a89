import Foundation
import Tenant

extension User {
    /// An ordinary person whose client speaks English.
    static let alice = User(id: 1001, firstName: "Alice", username: "alice", languageCode: "en")
    /// The test bot's admin.
    static let admin = User(id: 42, firstName: "Ada", username: "ada", languageCode: "en")
}

extension Chat {
    /// Alice's private chat with the bot.
    static let alicePrivate = Chat(id: User.alice.id, kind: .private)
    /// A group the bot is in.
    static let group = Chat(id: -100_500, kind: .supergroup, title: "Group")
}

/// Builds updates from the neutral model types, the way a platform decoder would.
enum Updates {
    private static let date = Date(timeIntervalSince1970: 1_800_000_000)

    /// A new message; its command is parsed for ``BotIdentity/test`` as the platform decoder does.
    static func message(
        _ text: String?, from sender: User = .alice, in chat: Chat = .alicePrivate, attachment: Attachment? = nil,
        id: Int64 = 1
    ) -> Update {
        Update(id: id, content: .message(makeMessage(text, from: sender, in: chat, attachment: attachment)), raw: Data())
    }

    /// An edited message.
    static func edited(_ text: String, from sender: User = .alice, in chat: Chat = .alicePrivate) -> Update {
        Update(id: 2, content: .editedMessage(makeMessage(text, from: sender, in: chat, attachment: nil)), raw: Data())
    }

    /// A press on a button with `data` under the bot's message 77 in `chat`.
    static func press(_ data: String?, from sender: User = .alice, in chat: Chat = .alicePrivate) -> Update {
        let pressed = Message(id: 77, chat: chat, sender: User(id: BotIdentity.test.userID, isBot: true, firstName: "Bot"),
                              date: date, text: "menu")
        return Update(
            id: 3, content: .callbackQuery(CallbackQuery(id: "cb-1", sender: sender, message: pressed, data: data)),
            raw: Data())
    }

    private static func makeMessage(_ text: String?, from sender: User, in chat: Chat, attachment: Attachment?)
        -> Message
    {
        let command = text.flatMap { Command.parse($0, botUsername: BotIdentity.test.username) }
        return Message(id: 10, chat: chat, sender: sender, date: date, text: text, command: command,
                       attachment: attachment)
    }
}
