/// A manifest as written, before validation: every key optional, and each field decoded on its
/// own so that one bad field does not hide another. Keys are snake_case, as in the YAML.
struct ManifestDocument: Decodable {
    /// The `telegram:` block.
    struct Telegram: Decodable {
        /// `api_url` as written.
        var apiURL: String?
        /// `mode` as written.
        var mode: String?
        /// `poll_timeout` as written.
        var pollTimeout: Int?
        /// `max_connections` as written.
        var maxConnections: Int?

        /// The keys as the YAML spells them.
        enum CodingKeys: String, CodingKey, CaseIterable {
            case apiURL = "api_url"
            case mode
            case pollTimeout = "poll_timeout"
            case maxConnections = "max_connections"
        }

        /// Decodes each field softly: a bad one is recorded and left `nil`.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            apiURL = container.soft(String.self, forKey: .apiURL, in: decoder)
            mode = container.soft(String.self, forKey: .mode, in: decoder)
            pollTimeout = container.soft(Int.self, forKey: .pollTimeout, in: decoder)
            maxConnections = container.soft(Int.self, forKey: .maxConnections, in: decoder)
        }
    }

    /// The `delivery:` block: the bot's own send rates.
    struct Delivery: Decodable {
        /// `private_chat_per_second` as written.
        var privateChatPerSecond: Int?
        /// `group_per_minute` as written.
        var groupPerMinute: Int?
        /// `bot_per_second` as written.
        var botPerSecond: Int?
        /// `broadcast_per_second` as written.
        var broadcastPerSecond: Int?
        /// `max_age_hours` as written.
        var maxAgeHours: Int?
        /// `concurrent_sends` as written.
        var concurrentSends: Int?

        /// The keys as the YAML spells them.
        enum CodingKeys: String, CodingKey, CaseIterable {
            case privateChatPerSecond = "private_chat_per_second"
            case groupPerMinute = "group_per_minute"
            case botPerSecond = "bot_per_second"
            case broadcastPerSecond = "broadcast_per_second"
            case maxAgeHours = "max_age_hours"
            case concurrentSends = "concurrent_sends"
        }

        /// Decodes each field softly: a bad one is recorded and left `nil`.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            privateChatPerSecond = container.soft(Int.self, forKey: .privateChatPerSecond, in: decoder)
            groupPerMinute = container.soft(Int.self, forKey: .groupPerMinute, in: decoder)
            botPerSecond = container.soft(Int.self, forKey: .botPerSecond, in: decoder)
            broadcastPerSecond = container.soft(Int.self, forKey: .broadcastPerSecond, in: decoder)
            maxAgeHours = container.soft(Int.self, forKey: .maxAgeHours, in: decoder)
            concurrentSends = container.soft(Int.self, forKey: .concurrentSends, in: decoder)
        }
    }

    /// The `retention:` block: how long finished rows are kept.
    struct Retention: Decodable {
        /// `updates` as written (`30d`).
        var updates: String?
        /// `outbox` as written.
        var outbox: String?
        /// `dead_letters` as written.
        var deadLetters: String?

        /// The keys as the YAML spells them.
        enum CodingKeys: String, CodingKey, CaseIterable {
            case updates, outbox
            case deadLetters = "dead_letters"
        }

        /// Decodes each field softly: a bad one is recorded and left `nil`.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            updates = container.soft(String.self, forKey: .updates, in: decoder)
            outbox = container.soft(String.self, forKey: .outbox, in: decoder)
            deadLetters = container.soft(String.self, forKey: .deadLetters, in: decoder)
        }
    }

    /// `id` as written.
    var id: String?
    /// `name` as written.
    var name: String?
    /// `brand` as written.
    var brand: String?
    /// `enabled` as written.
    var enabled: Bool?
    /// `platform` as written.
    var platform: String?
    /// `token` as written, before checks.
    var token: String?
    /// `token_file` as written.
    var tokenFile: String?
    /// `telegram` as written.
    var telegram: Telegram?
    /// `matrix` as written.
    var matrix: MatrixDocument?
    /// `admins` as written.
    var admins: [Int64]?
    /// `locale` as written.
    var locale: String?
    /// `time_zone` as written.
    var timeZone: String?
    /// `database` as written.
    var database: String?
    /// `delivery` as written.
    var delivery: Delivery?
    /// `retention` as written.
    var retention: Retention?
    /// Whether the document has a `plugins` key; its entries are read one by one afterwards.
    var hasPlugins: Bool

    /// Every key a manifest may have.
    /// The keys as the YAML spells them.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, brand, enabled, platform, token
        case tokenFile = "token_file"
        case telegram, matrix, admins, locale
        case timeZone = "time_zone"
        case database, delivery, retention, plugins
    }

    /// Decodes each field softly: a bad one is recorded and left `nil`.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = container.soft(String.self, forKey: .id, in: decoder)
        name = container.soft(String.self, forKey: .name, in: decoder)
        brand = container.soft(String.self, forKey: .brand, in: decoder)
        enabled = container.soft(Bool.self, forKey: .enabled, in: decoder)
        platform = container.soft(String.self, forKey: .platform, in: decoder)
        token = container.soft(String.self, forKey: .token, in: decoder)
        tokenFile = container.soft(String.self, forKey: .tokenFile, in: decoder)
        telegram = container.soft(Telegram.self, forKey: .telegram, in: decoder)
        matrix = container.soft(MatrixDocument.self, forKey: .matrix, in: decoder)
        admins = container.soft([Int64].self, forKey: .admins, in: decoder)
        locale = container.soft(String.self, forKey: .locale, in: decoder)
        timeZone = container.soft(String.self, forKey: .timeZone, in: decoder)
        database = container.soft(String.self, forKey: .database, in: decoder)
        delivery = container.soft(Delivery.self, forKey: .delivery, in: decoder)
        retention = container.soft(Retention.self, forKey: .retention, in: decoder)
        hasPlugins = container.contains(.plugins)
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional field, recording its error in the decoding context instead of
    /// throwing, so that every bad field of a manifest is reported at once.
    func soft<T: Decodable>(_ type: T.Type, forKey key: Key, in decoder: any Decoder) -> T? {
        guard let decoder = decoder as? NodeDecoder else { return try? decodeIfPresent(type, forKey: key) }
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch {
            decoder.context.fieldErrors.append(
                error as? LocatedError
                    ?? LocatedError(
                        line: nil,
                        path: PathComponent.format(decoder.path + [.key(key.stringValue)]),
                        message: "\(error)"
                    )
            )
            return nil
        }
    }
}
