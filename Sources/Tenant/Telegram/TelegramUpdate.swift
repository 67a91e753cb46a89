// An incoming update (`Update`): `update_id` plus exactly one field naming its type.

/// An update with the payloads the neutral model describes; any other type is only named.
struct TelegramUpdate: Decodable {
    var update_id: Int64
    /// The Bot API's name for the update's type (`message`, `business_message`, …).
    var type: String
    var message: TelegramMessage?
    var edited_message: TelegramMessage?
    var channel_post: TelegramMessage?
    var edited_channel_post: TelegramMessage?
    var callback_query: TelegramCallbackQuery?
    var my_chat_member: TelegramChatMemberUpdated?
    var chat_member: TelegramChatMemberUpdated?

    /// The types this struct decodes a payload for.
    static let modelledTypes = [
        "message", "edited_message", "channel_post", "edited_channel_post", "callback_query", "my_chat_member",
        "chat_member",
    ]

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
        type = try decoder.telegramUpdateType()
    }
}

/// An update as received: its header, and its payload when the payload fits the model, read in
/// one pass over the JSON.
struct TelegramReceivedUpdate: Decodable {
    var header: TelegramUpdateHeader
    var update: TelegramUpdate?

    init(from decoder: any Decoder) throws {
        header = try TelegramUpdateHeader(from: decoder)
        update = try? TelegramUpdate(from: decoder)
    }
}

/// What the inbox needs before full decoding: the id, the type and the dispatch lane.
///
/// The lane is the payload's chat (`chat`, or the `message` a button belongs to), else the person
/// who caused it (`from`, or `user` for poll answers, reactions and business connections), else 0.
/// Nothing else in the payload is read, so no update type can fail here.
struct TelegramUpdateHeader: Decodable {
    var update_id: Int64
    var type: String
    var lane: Int64

    /// The payload fields that can name a lane; every one optional.
    private struct Payload: Decodable {
        struct Identified: Decodable { var id: Int64 }
        struct Inner: Decodable { var chat: Identified? }

        var chat: Identified?
        var message: Inner?
        var from: Identified?
        var user: Identified?

        var lane: Int64 { chat?.id ?? message?.chat?.id ?? from?.id ?? user?.id ?? 0 }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        update_id = try container.decode(Int64.self, forKey: AnyCodingKey(stringValue: "update_id"))
        type = try decoder.telegramUpdateType()
        lane = (try? container.decode(Payload.self, forKey: AnyCodingKey(stringValue: type)))?.lane ?? 0
    }
}

extension Decoder {
    /// The update's type: its one field besides `update_id`. Should a future API add fields beside
    /// the payload, a modelled type wins, then the first name in alphabetical order.
    fileprivate func telegramUpdateType() throws -> String {
        let keys = try container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue).filter { $0 != "update_id" }
        return TelegramUpdate.modelledTypes.first(where: keys.contains) ?? keys.min() ?? "unknown"
    }
}
