import Foundation
import Tenant

/// The neutral model as the protocol's JSON: the same fields the built-in plugins see, in
/// snake_case, absent fields left out.
enum RemoteUpdateJSON {
    /// An update: its id, its kind, and the one field its kind names.
    static func update(_ update: Update) -> [String: Any] {
        var object: [String: Any] = ["id": update.id, "kind": update.kind.name]
        switch update.content {
        case .message(let value): object["message"] = message(value)
        case .editedMessage(let value): object["edited_message"] = message(value)
        case .callbackQuery(let query):
            var callback: [String: Any] = ["id": query.id, "from": user(query.sender)]
            callback["data"] = query.data
            callback["message"] = query.message.map(message)
            object["callback_query"] = callback
        case .memberChange(let change):
            object["member_change"] =
                [
                    "chat": chat(change.chat), "actor": user(change.actor), "member": user(change.member),
                    "old_status": change.oldStatus, "new_status": change.newStatus, "concerns_bot": change.concernsBot,
                ] as [String: Any]
        case .other(let type): object["platform_type"] = type
        case .scheduled: break
        }
        return object
    }

    /// A message.
    static func message(_ message: Message) -> [String: Any] {
        var object: [String: Any] = [
            "id": message.id, "chat": chat(message.chat), "date": Int64(message.date.timeIntervalSince1970),
        ]
        object["from"] = message.sender.map(user)
        object["text"] = message.text
        object["reply_to_message_id"] = message.replyToMessageID
        if let command = message.command {
            var value: [String: Any] = ["name": command.name, "arguments": command.arguments]
            value["mention"] = command.mention
            object["command"] = value
        }
        object["attachment"] = message.attachment.map(attachment)
        return object
    }

    /// A person.
    static func user(_ user: User) -> [String: Any] {
        var object: [String: Any] = ["id": user.id, "is_bot": user.isBot, "first_name": user.firstName]
        object["last_name"] = user.lastName
        object["username"] = user.username
        object["language_code"] = user.languageCode
        return object
    }

    /// A chat.
    static func chat(_ chat: Chat) -> [String: Any] {
        var object: [String: Any] = ["id": chat.id, "kind": chat.kind.rawValue]
        object["title"] = chat.title
        object["username"] = chat.username
        return object
    }

    private static func attachment(_ attachment: Attachment) -> [String: Any] {
        switch attachment {
        case .photo(let fileID): ["kind": "photo", "file_id": fileID]
        case .sticker(let fileID, let emoji): ["kind": "sticker", "file_id": fileID, "emoji": emoji ?? ""]
        case .location(let latitude, let longitude): ["kind": "location", "latitude": latitude, "longitude": longitude]
        case .contact(let phone, let firstName, let userID):
            ["kind": "contact", "phone_number": phone, "first_name": firstName, "user_id": userID ?? 0]
        case .document(let fileID, let fileName): ["kind": "document", "file_id": fileID, "file_name": fileName ?? ""]
        case .other(let field): ["kind": "other", "field": field]
        }
    }
}
