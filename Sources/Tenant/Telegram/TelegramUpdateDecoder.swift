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

    /// Decodes one update as stored in the inbox.
    ///
    /// - Parameters:
    ///   - raw: One element of `getUpdates`' result, or a webhook body.
    ///   - botUsername: This bot's username; a command addressed to another bot gives no ``Message/command``.
    /// - Throws: `DecodingError` naming the path of a missing or mistyped field the model needs.
    public func decode(_ raw: Data, botUsername: String?) throws -> Update {
        Self.model(of: try JSONDecoder().decode(TelegramUpdate.self, from: raw), raw: raw, botUsername: botUsername)
    }

    /// The neutral update of a decoded Telegram one.
    private static func model(of update: TelegramUpdate, raw: Data, botUsername: String?) -> Update {
        let content: Update.Content
        if let message = update.message ?? update.channel_post {
            content = .message(message.model(botUsername: botUsername))
        } else if let message = update.edited_message ?? update.edited_channel_post {
            content = .editedMessage(message.model(botUsername: botUsername))
        } else if let query = update.callback_query {
            content = .callbackQuery(
                CallbackQuery(
                    id: query.id,
                    sender: query.from.model,
                    message: query.message?.model(botUsername: botUsername),
                    data: query.data
                )
            )
        } else if let change = update.my_chat_member ?? update.chat_member {
            content = .memberChange(
                MemberChange(
                    chat: change.chat.model,
                    actor: change.from.model,
                    member: change.new_chat_member.user.model,
                    oldStatus: change.old_chat_member.status,
                    newStatus: change.new_chat_member.status,
                    concernsBot: update.my_chat_member != nil
                )
            )
        } else {
            content = .other(type: update.type)
        }
        return Update(id: update.update_id, content: content, raw: raw)
    }

    /// Reads an update as received, in one pass over its JSON: what the inbox needs (the update
    /// id, the type name and the dispatch lane: the chat id, else the sender's id, else 0) and
    /// the neutral update, which goes to the dispatcher beside the raw bytes so that they are
    /// not parsed again.
    ///
    /// Used by the poller and the webhook route. The neutral update is decoded without the
    /// bot's username (``Update/addressed(to:)`` applies it); it is `nil` when the payload does
    /// not fit the model, and the update is then stored all the same and fails when dispatched,
    /// with the decoding error.
    ///
    /// - Throws: `DecodingError` when `raw` is no JSON object with a numeric `update_id`.
    public static func envelope(of raw: Data) throws -> ReceivedUpdate {
        let received = try JSONDecoder().decode(TelegramReceivedUpdate.self, from: raw)
        let header = received.header
        return ReceivedUpdate(
            id: header.update_id, lane: header.lane, kind: header.type, raw: raw,
            update: received.update.map { model(of: $0, raw: raw, botUsername: nil) })
    }
}

extension TelegramUser {
    /// The neutral user.
    var model: User {
        User(
            id: id,
            isBot: is_bot ?? false,
            firstName: first_name ?? "",
            lastName: last_name,
            username: username,
            languageCode: language_code
        )
    }
}

extension TelegramChat {
    /// The neutral chat; an unknown chat type counts as a group when the id is negative.
    var model: Chat {
        Chat(id: id, kind: Chat.Kind(rawValue: type) ?? (id < 0 ? .group : .private), title: title, username: username)
    }
}

extension TelegramMessage {
    /// The neutral message: the caption stands in for a media message's text, and the command is
    /// read from either.
    func model(botUsername: String?) -> Message {
        let body = text ?? caption
        return Message(
            id: message_id,
            chat: chat.model,
            sender: from?.model,
            date: Date(timeIntervalSince1970: TimeInterval(date ?? 0)),
            text: body,
            command: body.flatMap { Command.parse($0, botUsername: botUsername) },
            attachment: attachment,
            replyToMessageID: reply_to_message?.message_id,
            migrateToChatID: migrate_to_chat_id
        )
    }

    private var attachment: Attachment? {
        // Sizes come smallest first; on equal (or missing) dimensions the later one wins.
        if let largest = photo?.reversed().max(by: { $0.area < $1.area }) {
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
