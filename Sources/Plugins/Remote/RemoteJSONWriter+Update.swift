import Foundation
import Tenant

/// The neutral model as the protocol's JSON: the same fields the built-in plugins see, in
/// snake_case, absent fields left out.
extension RemoteJSONWriter {
    /// An update's members: its id, its kind, and the one field its kind names.
    mutating func update(_ update: Update) {
        member("id", update.id)
        member("kind", update.kind.name)
        switch update.content {
        case .message(let value): member("message") { $0.message(value) }
        case .editedMessage(let value): member("edited_message") { $0.message(value) }
        case .callbackQuery(let query):
            member("callback_query") { json in
                json.member("id", query.id)
                json.member("from") { $0.user(query.sender) }
                json.member("data", query.data)
                if let message = query.message { json.member("message") { $0.message(message) } }
            }
        case .memberChange(let change):
            member("member_change") { json in
                json.member("chat") { $0.chat(change.chat) }
                json.member("actor") { $0.user(change.actor) }
                json.member("member") { $0.user(change.member) }
                json.member("old_status", change.oldStatus)
                json.member("new_status", change.newStatus)
                json.member("concerns_bot", change.concernsBot)
            }
        case .other(let type): member("platform_type", type)
        case .scheduled: break
        }
    }

    /// A message's members.
    mutating func message(_ message: Message) {
        member("id", message.id)
        member("chat") { $0.chat(message.chat) }
        member("date", Int64(message.date.timeIntervalSince1970))
        if let sender = message.sender { member("from") { $0.user(sender) } }
        member("text", message.text)
        member("reply_to_message_id", message.replyToMessageID)
        if let command = message.command {
            member("command") { json in
                json.member("name", command.name)
                json.member("arguments", command.arguments)
                json.member("mention", command.mention)
            }
        }
        if let attachment = message.attachment { member("attachment") { $0.attachment(attachment) } }
    }

    /// A person's members; `timeZone` too when given (the request's `person`).
    mutating func user(_ user: User, timeZone: TimeZone? = nil) {
        member("id", user.id)
        member("is_bot", user.isBot)
        member("first_name", user.firstName)
        member("last_name", user.lastName)
        member("username", user.username)
        member("language_code", user.languageCode)
        member("time_zone", timeZone?.identifier)
    }

    /// A chat's members.
    mutating func chat(_ chat: Chat) {
        member("id", chat.id)
        member("kind", chat.kind.rawValue)
        member("title", chat.title)
        member("username", chat.username)
    }

    private mutating func attachment(_ attachment: Attachment) {
        switch attachment {
        case .photo(let fileID):
            member("kind", "photo")
            member("file_id", fileID)
        case .sticker(let fileID, let emoji):
            member("kind", "sticker")
            member("file_id", fileID)
            member("emoji", emoji ?? "")
        case .location(let latitude, let longitude):
            member("kind", "location")
            member("latitude", number: latitude)
            member("longitude", number: longitude)
        case .contact(let phone, let firstName, let userID):
            member("kind", "contact")
            member("phone_number", phone)
            member("first_name", firstName)
            member("user_id", userID ?? 0)
        case .document(let fileID, let fileName):
            member("kind", "document")
            member("file_id", fileID)
            member("file_name", fileName ?? "")
        case .other(let field):
            member("kind", "other")
            member("field", field)
        }
    }
}
