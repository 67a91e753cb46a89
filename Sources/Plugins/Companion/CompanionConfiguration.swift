import Foundation
import Tenant

/// The `companion` plugin's settings: the model endpoint, the prompt, memory, disclosure,
/// limits and the fallback.
///
/// ```yaml
/// - companion:
///     base_url: https://api.openai.com/v1   # or `offline`: a canned, clearly marked demo reply
///     model: gpt-4o-mini
///     api_key_env: OPENAI_API_KEY           # or api_key_file: /run/secrets/openai
///     temperature: 0.8
///     max_tokens: 300
///     system_prompt: { en: "You are Mia, a cheerful companion.", ru: "Ты Мия, весёлый собеседник." }
///     history_turns: 12
///     profile_every: 10
///     timeout: 30
///     rate_limit: { per_minute: 6 }
///     disclosure: { text: "I'm an AI companion, not a person." }
///     fallback: "I can't answer right now; write again in a minute."
/// ```
public struct CompanionConfiguration: Decodable, Sendable, Equatable {
    /// The OpenAI-compatible API's base address (`https://api.openai.com/v1`); requests go to
    /// `<base_url>/chat/completions`. `offline` answers every message with a canned, clearly
    /// marked demo reply and calls nothing.
    public var baseURL: String
    /// The model name the endpoint knows (`gpt-4o-mini`); not needed when offline.
    public var model: String?
    /// Sampling temperature, 0 to 2. Default 0.8.
    public var temperature: Double
    /// The most tokens one answer may take. Default 300.
    public var maxTokens: Int
    /// Who the companion is; the reader's language picks the text. Default: a friendly partner
    /// that is open about being an AI.
    public var systemPrompt: LocalizedText
    /// The environment variable holding the API key. No key setting: no `Authorization` header
    /// (local servers).
    public var apiKeyEnv: String?
    /// A file holding the API key (trailing whitespace ignored), read at every call so a rotated
    /// key is picked up.
    public var apiKeyFile: String?
    /// How many earlier messages of the chat (both sides) go into the prompt. Default 12.
    public var historyTurns: Int
    /// Every this many messages of a person, the model updates the person's profile; 0 never.
    /// Default 10.
    public var profileEvery: Int
    /// Seconds to wait for the model before the fallback answers. Default 30.
    public var timeout: Double
    /// How often one person may get a model answer.
    public var rateLimit: RateLimit
    /// Telling people they talk to an AI.
    public var disclosure: Disclosure
    /// The answer when the model cannot answer (no key, timeout, 429, 5xx, a bad answer).
    public var fallback: LocalizedText

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseURL = "base_url"
        case model
        case temperature
        case maxTokens = "max_tokens"
        case systemPrompt = "system_prompt"
        case apiKeyEnv = "api_key_env"
        case apiKeyFile = "api_key_file"
        case historyTurns = "history_turns"
        case profileEvery = "profile_every"
        case timeout
        case rateLimit = "rate_limit"
        case disclosure
        case fallback
    }

    /// The `base_url` value that selects the built-in offline responder.
    public static let offline = "offline"

    /// Creates a configuration; everything but the endpoint has a default.
    public init(
        baseURL: String, model: String? = nil, temperature: Double = 0.8, maxTokens: Int = 300,
        systemPrompt: LocalizedText = Self.defaultSystemPrompt, apiKeyEnv: String? = nil, apiKeyFile: String? = nil,
        historyTurns: Int = 12, profileEvery: Int = 10, timeout: Double = 30, rateLimit: RateLimit = RateLimit(),
        disclosure: Disclosure = Disclosure(), fallback: LocalizedText = Self.defaultFallback
    ) {
        self.baseURL = baseURL
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.systemPrompt = systemPrompt
        self.apiKeyEnv = apiKeyEnv
        self.apiKeyFile = apiKeyFile
        self.historyTurns = historyTurns
        self.profileEvery = profileEvery
        self.timeout = timeout
        self.rateLimit = rateLimit
        self.disclosure = disclosure
        self.fallback = fallback
    }

    /// Decodes the settings; only `base_url` (and `model`, unless offline) are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            baseURL: try container.decode(String.self, forKey: .baseURL),
            model: try container.decodeIfPresent(String.self, forKey: .model),
            temperature: try container.decodeIfPresent(Double.self, forKey: .temperature) ?? 0.8,
            maxTokens: try container.decodeIfPresent(Int.self, forKey: .maxTokens) ?? 300,
            systemPrompt: try container.decodeIfPresent(LocalizedText.self, forKey: .systemPrompt)
                ?? Self.defaultSystemPrompt,
            apiKeyEnv: try container.decodeIfPresent(String.self, forKey: .apiKeyEnv),
            apiKeyFile: try container.decodeIfPresent(String.self, forKey: .apiKeyFile),
            historyTurns: try container.decodeIfPresent(Int.self, forKey: .historyTurns) ?? 12,
            profileEvery: try container.decodeIfPresent(Int.self, forKey: .profileEvery) ?? 10,
            timeout: try container.decodeIfPresent(Double.self, forKey: .timeout) ?? 30,
            rateLimit: try container.decodeIfPresent(RateLimit.self, forKey: .rateLimit) ?? RateLimit(),
            disclosure: try container.decodeIfPresent(Disclosure.self, forKey: .disclosure) ?? Disclosure(),
            fallback: try container.decodeIfPresent(LocalizedText.self, forKey: .fallback) ?? Self.defaultFallback)
    }

    /// Whether the built-in offline responder answers instead of a model.
    public var isOffline: Bool { baseURL.lowercased() == Self.offline }

    /// The default `system_prompt`.
    public static let defaultSystemPrompt = LocalizedText(localized: [
        "en": "You are a warm, curious conversation partner in a chat app. You are an AI and never claim "
            + "to be human. Keep answers short, like chat messages, and ask about the person's life.",
        "ru": "Ты тёплый и любопытный собеседник в мессенджере. Ты искусственный интеллект и никогда не "
            + "выдаёшь себя за человека. Отвечай коротко, как в чате, и расспрашивай человека о его жизни.",
    ])

    /// The default `fallback`.
    public static let defaultFallback = LocalizedText(localized: [
        "en": "Sorry, I can't answer right now. Please write again in a minute.",
        "ru": "Извини, сейчас не могу ответить. Напиши, пожалуйста, через минуту.",
    ])
}
