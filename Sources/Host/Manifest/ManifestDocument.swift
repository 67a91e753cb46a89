/// A manifest as written, before validation: every key optional, unknown keys refused by the
/// decoder, and each field decoded on its own so one bad field does not hide another.
struct ManifestDocument: Decodable {
    struct Telegram: Decodable {
        var api_url: String?
        var mode: String?
        var poll_timeout: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case api_url, mode, poll_timeout
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            api_url = container.soft(String.self, forKey: .api_url, in: decoder)
            mode = container.soft(String.self, forKey: .mode, in: decoder)
            poll_timeout = container.soft(Int.self, forKey: .poll_timeout, in: decoder)
        }
    }

    struct Delivery: Decodable {
        var private_chat_per_second: Int?
        var group_per_minute: Int?
        var bot_per_second: Int?
        var broadcast_per_second: Int?
        var max_age_hours: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case private_chat_per_second, group_per_minute, bot_per_second, broadcast_per_second, max_age_hours
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            private_chat_per_second = container.soft(Int.self, forKey: .private_chat_per_second, in: decoder)
            group_per_minute = container.soft(Int.self, forKey: .group_per_minute, in: decoder)
            bot_per_second = container.soft(Int.self, forKey: .bot_per_second, in: decoder)
            broadcast_per_second = container.soft(Int.self, forKey: .broadcast_per_second, in: decoder)
            max_age_hours = container.soft(Int.self, forKey: .max_age_hours, in: decoder)
        }
    }

    var id: String?
    var name: String?
    var brand: String?
    var enabled: Bool?
    var platform: String?
    var token: String?
    var token_file: String?
    var telegram: Telegram?
    var admins: [Int64]?
    var locale: String?
    var database: String?
    var delivery: Delivery?

    /// Every key a manifest may have; `plugins` is read separately, plugin by plugin.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, brand, enabled, platform, token, token_file, telegram, admins, locale, database, delivery,
            plugins
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = container.soft(String.self, forKey: .id, in: decoder)
        name = container.soft(String.self, forKey: .name, in: decoder)
        brand = container.soft(String.self, forKey: .brand, in: decoder)
        enabled = container.soft(Bool.self, forKey: .enabled, in: decoder)
        platform = container.soft(String.self, forKey: .platform, in: decoder)
        token = container.soft(String.self, forKey: .token, in: decoder)
        token_file = container.soft(String.self, forKey: .token_file, in: decoder)
        telegram = container.soft(Telegram.self, forKey: .telegram, in: decoder)
        admins = container.soft([Int64].self, forKey: .admins, in: decoder)
        locale = container.soft(String.self, forKey: .locale, in: decoder)
        database = container.soft(String.self, forKey: .database, in: decoder)
        delivery = container.soft(Delivery.self, forKey: .delivery, in: decoder)
    }
}
