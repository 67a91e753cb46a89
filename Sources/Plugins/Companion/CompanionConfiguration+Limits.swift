import Tenant

extension CompanionConfiguration {
    /// How often one person may get a model answer: `{ per_minute: 6, text: "…" }`.
    ///
    /// Over the limit, the first message gets `text` and later ones, until the minute has
    /// passed, get nothing; the model is not called for any of them.
    public struct RateLimit: Decodable, Sendable, Equatable {
        /// Model answers per person in any 60 seconds; 0 turns the limit off. Default 6.
        public var perMinute: Int
        /// The answer to the first message over the limit.
        public var text: LocalizedText

        enum CodingKeys: String, CodingKey, CaseIterable {
            case perMinute = "per_minute"
            case text
        }

        /// Creates a limit.
        public init(perMinute: Int = 6, text: LocalizedText = Self.defaultText) {
            self.perMinute = perMinute
            self.text = text
        }

        /// Decodes the limit; both keys are optional.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                perMinute: try container.decodeIfPresent(Int.self, forKey: .perMinute) ?? 6,
                text: try container.decodeIfPresent(LocalizedText.self, forKey: .text) ?? Self.defaultText)
        }

        /// The default `rate_limit.text`.
        public static let defaultText = LocalizedText(localized: [
            "en": "You're writing faster than I can think. Give me a minute, please.",
            "ru": "Ты пишешь быстрее, чем я успеваю думать. Дай мне минутку, пожалуйста.",
        ])
    }

    /// Telling people they talk to an AI: `{ enabled: true, text: "…", triggers: [...] }`, or
    /// `false` to turn it off.
    ///
    /// When on, the first answer in a chat is preceded by `text`, and a message containing one
    /// of `triggers` ("are you a bot?") is answered with `text` instead of the model.
    public struct Disclosure: Decodable, Sendable, Equatable {
        /// Whether the companion discloses itself. Default on.
        public var enabled: Bool
        /// What it says.
        public var text: LocalizedText
        /// Phrases that ask whether the companion is a person, matched as whole words in any case.
        public var triggers: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case enabled
            case text
            case triggers
        }

        /// Creates a disclosure setting.
        public init(
            enabled: Bool = true, text: LocalizedText = Self.defaultText, triggers: [String] = Self.defaultTriggers
        ) {
            self.enabled = enabled
            self.text = text
            self.triggers = triggers
        }

        /// Decodes `true`/`false`, or a mapping whose keys are all optional.
        public init(from decoder: any Decoder) throws {
            if let enabled = try? decoder.singleValueContainer().decode(Bool.self) {
                self.init(enabled: enabled)
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
                text: try container.decodeIfPresent(LocalizedText.self, forKey: .text) ?? Self.defaultText,
                triggers: try container.decodeIfPresent([String].self, forKey: .triggers) ?? Self.defaultTriggers)
        }

        /// The default `disclosure.text`.
        public static let defaultText = LocalizedText(localized: [
            "en": "Just so you know: I'm an AI companion, not a person.",
            "ru": "Чтобы ты знал(а): я собеседник на основе искусственного интеллекта, а не человек.",
        ])

        /// The default `disclosure.triggers`, in English and Russian.
        public static let defaultTriggers = [
            "are you a bot", "are you a robot", "are you an ai", "are you human", "are you a human",
            "are you real", "are you a real person", "is this a bot",
            "ты бот", "ты робот", "ты человек", "ты живой", "ты настоящий", "ты ии", "это бот",
        ]
    }
}
