public import Foundation

/// Maps Telegram's update JSON onto the neutral ``Update`` model.
///
/// `message`/`channel_post` become messages, their `edited_` forms edited messages,
/// `callback_query` a button press, `my_chat_member`/`chat_member` a member change. Every other
/// type — business messages, join requests, payments, and types that do not exist yet — becomes
/// ``Update/Content/other(type:)`` with the JSON kept in ``Update/raw``, never dropped.
public struct TelegramUpdateDecoder: UpdateDecoder {
    /// Creates a decoder.
    public init() {}

    public func decode(_ raw: Data, botUsername: String?) throws -> Update {
        let envelope = try JSONDecoder().decode(Envelope.self, from: raw)
        let content: Update.Content
        if let message = envelope.message ?? envelope.channel_post {
            content = .message(message.model(botUsername: botUsername))
        } else if let message = envelope.edited_message ?? envelope.edited_channel_post {
            content = .editedMessage(message.model(botUsername: botUsername))
        } else if let query = envelope.callback_query {
            content = .callbackQuery(CallbackQuery(
                id: query.id, sender: query.from.model, message: query.message?.model(botUsername: botUsername),
                data: query.data))
        } else if let change = envelope.my_chat_member ?? envelope.chat_member {
            content = .memberChange(MemberChange(
                chat: change.chat.model, actor: change.from.model, member: change.new_chat_member.user.model,
                oldStatus: change.old_chat_member.status, newStatus: change.new_chat_member.status,
                concernsBot: envelope.my_chat_member != nil))
        } else {
            content = .other(type: envelope.type)
        }
        return Update(id: envelope.update_id, content: content, raw: raw)
    }

    /// Reads what the inbox needs before full decoding: the id, the type and the dispatch lane
    /// (the chat id; else the sender's id; else 0).
    public static func envelope(of raw: Data) throws -> ReceivedUpdate {
        let probe = try JSONDecoder().decode(LaneProbe.self, from: raw)
        return ReceivedUpdate(id: probe.updateID, lane: probe.lane, kind: probe.type, raw: raw)
    }

    private struct Envelope: Decodable {
        var update_id: Int64
        var type: String
        var message: TelegramMessage?
        var edited_message: TelegramMessage?
        var channel_post: TelegramMessage?
        var edited_channel_post: TelegramMessage?
        var callback_query: TelegramCallbackQuery?
        var my_chat_member: TelegramChatMemberUpdated?
        var chat_member: TelegramChatMemberUpdated?

        private enum CodingKeys: String, CodingKey {
            case update_id, message, edited_message, channel_post, edited_channel_post, callback_query,
                my_chat_member, chat_member
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            update_id = try container.decode(Int64.self, forKey: .update_id)
            message = try container.decodeIfPresent(TelegramMessage.self, forKey: .message)
            edited_message = try container.decodeIfPresent(TelegramMessage.self, forKey: .edited_message)
            channel_post = try container.decodeIfPresent(TelegramMessage.self, forKey: .channel_post)
            edited_channel_post = try container.decodeIfPresent(TelegramMessage.self, forKey: .edited_channel_post)
            callback_query = try container.decodeIfPresent(TelegramCallbackQuery.self, forKey: .callback_query)
            my_chat_member = try container.decodeIfPresent(TelegramChatMemberUpdated.self, forKey: .my_chat_member)
            chat_member = try container.decodeIfPresent(TelegramChatMemberUpdated.self, forKey: .chat_member)
            type = try decoder.updateType()
        }
    }

    private struct LaneProbe: Decodable {
        struct Identified: Decodable { var id: Int64 }
        struct Payload: Decodable {
            var chat: Identified?
            var message: Inner?
            var from: Identified?
            struct Inner: Decodable { var chat: Identified? }
        }

        var updateID: Int64
        var type: String
        var lane: Int64

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            updateID = try container.decode(Int64.self, forKey: AnyCodingKey(stringValue: "update_id"))
            type = try decoder.updateType()
            let payload = try? container.decode(Payload.self, forKey: AnyCodingKey(stringValue: type))
            lane = payload?.chat?.id ?? payload?.message?.chat?.id ?? payload?.from?.id ?? 0
        }
    }
}

extension Decoder {
    /// The update's type: its one field besides `update_id` (the first, if a future API adds more).
    fileprivate func updateType() throws -> String {
        let keys = try container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue).filter { $0 != "update_id" }
        let known = ["message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
                     "my_chat_member", "chat_member"]
        return keys.first(where: known.contains) ?? keys.sorted().first ?? "unknown"
    }
}

extension TelegramMessage {
    func model(botUsername: String?) -> Message {
        let body = text ?? caption
        return Message(
            id: message_id, chat: chat.model, sender: from?.model,
            date: Date(timeIntervalSince1970: TimeInterval(date ?? 0)), text: body,
            command: text.flatMap { Command.parse($0, botUsername: botUsername) },
            attachment: attachment, replyToMessageID: reply_to_message?.message_id,
            migrateToChatID: migrate_to_chat_id)
    }

    private var attachment: Attachment? {
        if let photo, let largest = photo.max(by: { ($0.width ?? 0) * ($0.height ?? 0) < ($1.width ?? 0) * ($1.height ?? 0) }) {
            return .photo(fileID: largest.file_id)
        }
        if let sticker { return .sticker(fileID: sticker.file_id, emoji: sticker.emoji) }
        if let location { return .location(latitude: location.latitude, longitude: location.longitude) }
        if let contact {
            return .contact(phoneNumber: contact.phone_number, firstName: contact.first_name, userID: contact.user_id)
        }
        if let document { return .document(fileID: document.file_id, fileName: document.file_name) }
        return otherContent.map(Attachment.other)
    }
}
