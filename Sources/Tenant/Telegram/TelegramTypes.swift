import Foundation

// The parts of the Bot API's JSON that the neutral model needs. Every field Telegram may omit is
// optional, and unknown fields are ignored, so new API versions decode unchanged.

struct TelegramUser: Decodable {
    var id: Int64
    var is_bot: Bool?
    var first_name: String?
    var last_name: String?
    var username: String?
    var language_code: String?

    var model: User {
        User(id: id, isBot: is_bot ?? false, firstName: first_name ?? "", lastName: last_name, username: username,
             languageCode: language_code)
    }
}

struct TelegramChat: Decodable {
    var id: Int64
    var type: String
    var title: String?
    var username: String?

    var model: Chat {
        Chat(id: id, kind: Chat.Kind(rawValue: type) ?? (id < 0 ? .group : .private), title: title, username: username)
    }
}

struct TelegramPhotoSize: Decodable {
    var file_id: String
    var width: Int?
    var height: Int?
}

struct TelegramSticker: Decodable {
    var file_id: String
    var emoji: String?
}

struct TelegramLocation: Decodable {
    var latitude: Double
    var longitude: Double
}

struct TelegramContact: Decodable {
    var phone_number: String
    var first_name: String
    var user_id: Int64?
}

struct TelegramDocument: Decodable {
    var file_id: String
    var file_name: String?
}

struct TelegramMessageReference: Decodable {
    var message_id: Int64
}

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

    private static let otherContentFields = [
        "animation", "audio", "video", "video_note", "voice", "poll", "dice", "venue", "game", "invoice", "story",
        "paid_media", "successful_payment", "new_chat_members", "left_chat_member", "new_chat_title",
        "new_chat_photo", "pinned_message",
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

struct TelegramCallbackQuery: Decodable {
    var id: String
    var from: TelegramUser
    var message: TelegramMessage?
    var data: String?
}

struct TelegramChatMember: Decodable {
    var status: String
    var user: TelegramUser
}

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

/// The Bot API's answer envelope.
struct TelegramResponse<Result: Decodable>: Decodable {
    struct Parameters: Decodable {
        var retry_after: Int?
        var migrate_to_chat_id: Int64?
    }

    var ok: Bool
    var result: Result?
    var error_code: Int?
    var description: String?
    var parameters: Parameters?
}
