// The Bot API calls the client makes, as JSON bodies, and the parts of their results it reads.

/// `getUpdates`.
struct GetUpdatesRequest: Encodable {
    var offset: Int64?
    var limit: Int
    var timeout: Int
    var allowed_updates: [String]
}

/// `reply_markup` with an inline keyboard.
struct ReplyMarkup: Encodable {
    /// `InlineKeyboardButton`: exactly one of `callback_data` and `url` is set.
    struct Button: Encodable {
        var text: String
        var callback_data: String?
        var url: String?
    }

    var inline_keyboard: [[Button]]

    /// The markup for `rows`, or `nil` when there are no buttons.
    init?(_ rows: [[InlineButton]]) {
        guard !rows.isEmpty else { return nil }
        inline_keyboard = rows.map { row in
            row.map { button in
                switch button.action {
                case .callback(let data): Button(text: button.text, callback_data: data)
                case .url(let url): Button(text: button.text, url: url)
                }
            }
        }
    }
}

/// `sendMessage`.
struct SendMessageRequest: Encodable {
    /// `ReplyParameters`: quote a message, but send anyway if it was deleted.
    struct ReplyParameters: Encodable {
        var message_id: Int64
        var allow_sending_without_reply = true
    }

    var chat_id: Int64
    var text: String
    var parse_mode: String?
    var reply_markup: ReplyMarkup?
    var reply_parameters: ReplyParameters?

    init(_ message: OutgoingMessage) {
        chat_id = message.chatID
        text = message.text
        parse_mode = message.parseMode?.rawValue
        reply_markup = ReplyMarkup(message.buttons)
        reply_parameters = message.replyToMessageID.map { ReplyParameters(message_id: $0) }
    }
}

/// `sendPhoto`: a photo by `file_id`, with the message's text as its caption.
struct SendPhotoRequest: Encodable {
    var chat_id: Int64
    var photo: String
    var caption: String?
    var parse_mode: String?
    var reply_markup: ReplyMarkup?
    var reply_parameters: SendMessageRequest.ReplyParameters?

    init(_ message: OutgoingMessage, photo: String) {
        chat_id = message.chatID
        self.photo = photo
        caption = message.text.isEmpty ? nil : message.text
        parse_mode = message.parseMode?.rawValue
        reply_markup = ReplyMarkup(message.buttons)
        reply_parameters = message.replyToMessageID.map { SendMessageRequest.ReplyParameters(message_id: $0) }
    }
}

/// `editMessageText`, or `editMessageCaption` for a caption: the new text goes in `text` or in
/// `caption`.
struct EditMessageRequest: Encodable {
    var chat_id: Int64
    var message_id: Int64
    var text: String?
    var caption: String?
    var parse_mode: String?
    var reply_markup: ReplyMarkup?

    /// The method that takes this edit.
    let method: String

    init(_ edit: MessageEdit) {
        chat_id = edit.chatID
        message_id = edit.messageID
        if edit.isCaption {
            caption = edit.text
            method = "editMessageCaption"
        } else {
            text = edit.text
            method = "editMessageText"
        }
        parse_mode = edit.parseMode?.rawValue
        reply_markup = ReplyMarkup(edit.buttons)
    }

    private enum CodingKeys: String, CodingKey {
        case chat_id, message_id, text, caption, parse_mode, reply_markup
    }
}

/// `editMessageReplyMarkup`; no buttons removes them.
struct EditMessageReplyMarkupRequest: Encodable {
    var chat_id: Int64
    var message_id: Int64
    var reply_markup: ReplyMarkup?

    init(_ edit: ButtonsEdit) {
        chat_id = edit.chatID
        message_id = edit.messageID
        reply_markup = ReplyMarkup(edit.buttons)
    }
}

/// `answerCallbackQuery`.
struct AnswerCallbackQueryRequest: Encodable {
    var callback_query_id: String
    var text: String?
    var show_alert: Bool

    init(_ answer: CallbackAnswer) {
        callback_query_id = answer.callbackID
        text = answer.text
        show_alert = answer.showAlert
    }
}

/// A call without parameters (`getMe`).
struct EmptyRequest: Encodable {}

/// The part of a sent or edited message the client reads back.
struct SentMessageResult: Decodable {
    var message_id: Int64
}

/// The `editMessage…` methods return the message, or `true` for a message sent in inline mode.
enum EditResult: Decodable {
    case message(SentMessageResult)
    case done

    init(from decoder: any Decoder) throws {
        if let message = try? SentMessageResult(from: decoder) {
            self = .message(message)
        } else {
            self = .done
        }
    }
}

extension UpdateKind {
    /// The Bot API's `allowed_updates` names for a set of kinds.
    ///
    /// Messages include channel posts (the decoder maps both onto messages). `my_chat_member` is
    /// always asked for, so that the bot learns when it is blocked and stops sending. A wildcard
    /// interest (``anyOther``) asks for the empty list, which is Telegram's default set: every type
    /// but `chat_member`, `message_reaction` and `message_reaction_count`.
    static func telegramAllowedUpdates(for kinds: Set<UpdateKind>) -> [String] {
        if kinds.contains(.anyOther) { return [] }
        var names: Set = ["my_chat_member"]
        for kind in kinds {
            switch kind {
            case .message: names.formUnion(["message", "channel_post"])
            case .editedMessage: names.formUnion(["edited_message", "edited_channel_post"])
            case .callbackQuery: names.insert("callback_query")
            case .memberChange: names.insert("my_chat_member")
            default: if let type = kind.platformType { names.insert(type) }
            }
        }
        return names.sorted()
    }
}

/// `setWebhook`.
struct SetWebhookRequest: Encodable {
    var url: String
    var secret_token: String
    var allowed_updates: [String]
    var max_connections: Int
    var drop_pending_updates = false
}

/// `deleteWebhook`, keeping pending updates so polling picks them up.
struct DeleteWebhookRequest: Encodable {
    var drop_pending_updates = false
}
