// The parts of the Bot API's JSON that the neutral model needs, named as Telegram names them.
// Every field Telegram may omit is optional, and unknown fields are ignored, so new API versions
// decode unchanged.

/// A Telegram user or bot (`User`).
struct TelegramUser: Decodable {
    var id: Int64
    var is_bot: Bool?
    var first_name: String?
    var last_name: String?
    var username: String?
    var language_code: String?
}

/// A Telegram chat (`Chat`): `private`, `group`, `supergroup` or `channel`.
struct TelegramChat: Decodable {
    var id: Int64
    var type: String
    var title: String?
    var username: String?
}

/// One size of a photo (`PhotoSize`); Telegram lists them smallest first.
struct TelegramPhotoSize: Decodable {
    var file_id: String
    var width: Int?
    var height: Int?

    /// The size in pixels, 0 when Telegram left out the dimensions (or wrote a negative one); a
    /// product too large for `Int` counts as `Int.max`, so no dimension can trap the decoder.
    var area: Int {
        let (product, overflow) = max(width ?? 0, 0).multipliedReportingOverflow(by: max(height ?? 0, 0))
        return overflow ? .max : product
    }
}

/// A sticker (`Sticker`).
struct TelegramSticker: Decodable {
    var file_id: String
    var emoji: String?
}

/// A point on the map (`Location`).
struct TelegramLocation: Decodable {
    var latitude: Double
    var longitude: Double
}

/// A shared contact (`Contact`).
struct TelegramContact: Decodable {
    var phone_number: String
    var first_name: String
    var user_id: Int64?
}

/// A general file (`Document`).
struct TelegramDocument: Decodable {
    var file_id: String
    var file_name: String?
}

/// The one field of a replied-to message the model keeps.
struct TelegramMessageReference: Decodable {
    var message_id: Int64
}

/// A message, channel post or business message (`Message`).
struct TelegramMessage: Decodable {
    var message_id: Int64
    var from: TelegramUser?
    var chat: TelegramChat
    var date: Int64?
    var text: String?
    var caption: String?
    var photo: [TelegramPhotoSize]?
    var sticker: TelegramSticker?
    var location: TelegramLocation?
    var contact: TelegramContact?
    var document: TelegramDocument?
    var reply_to_message: TelegramMessageReference?
    var migrate_to_chat_id: Int64?
    /// The first other content field present (`voice`, `video`, `poll`, …), for ``Attachment/other(_:)``.
    var otherContent: String?

    /// Content fields the model does not describe, in the order they are looked for.
    private static let otherContentFields = [
        "animation", "audio", "video", "video_note", "voice", "poll", "dice", "venue", "game", "invoice", "story",
        "paid_media", "checklist", "giveaway", "web_app_data", "users_shared", "chat_shared", "successful_payment",
        "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "pinned_message",
    ]

    private enum CodingKeys: String, CodingKey {
        case message_id, from, chat, date, text, caption, photo, sticker, location, contact, document,
            reply_to_message, migrate_to_chat_id
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message_id = try container.decode(Int64.self, forKey: .message_id)
        from = try container.decodeIfPresent(TelegramUser.self, forKey: .from)
        chat = try container.decode(TelegramChat.self, forKey: .chat)
        date = try container.decodeIfPresent(Int64.self, forKey: .date)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        caption = try container.decodeIfPresent(String.self, forKey: .caption)
        photo = try container.decodeIfPresent([TelegramPhotoSize].self, forKey: .photo)
        sticker = try container.decodeIfPresent(TelegramSticker.self, forKey: .sticker)
        location = try container.decodeIfPresent(TelegramLocation.self, forKey: .location)
        contact = try container.decodeIfPresent(TelegramContact.self, forKey: .contact)
        document = try container.decodeIfPresent(TelegramDocument.self, forKey: .document)
        reply_to_message = try container.decodeIfPresent(TelegramMessageReference.self, forKey: .reply_to_message)
        migrate_to_chat_id = try container.decodeIfPresent(Int64.self, forKey: .migrate_to_chat_id)
        let keys = Set(try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue))
        otherContent = Self.otherContentFields.first(where: keys.contains)
    }
}

/// A press on an inline button (`CallbackQuery`). `message` is absent for inline-mode messages.
struct TelegramCallbackQuery: Decodable {
    var id: String
    var from: TelegramUser
    var message: TelegramMessage?
    var data: String?
}

/// Someone's membership in a chat (`ChatMember`), reduced to who and which status.
struct TelegramChatMember: Decodable {
    var status: String
    var user: TelegramUser
}

/// A membership change (`ChatMemberUpdated`), for `my_chat_member` and `chat_member`.
struct TelegramChatMemberUpdated: Decodable {
    var chat: TelegramChat
    var from: TelegramUser
    var old_chat_member: TelegramChatMember
    var new_chat_member: TelegramChatMember
}

/// Any key, for reading which fields an object has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }

    init?(intValue: Int) { nil }
}
