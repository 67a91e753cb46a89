import Tenant

/// The `replies` plugin's settings: commands, keywords, named replies and a fallback.
///
/// ```yaml
/// - replies:
///     commands:
///       start: { reply: menu }                # show a named reply
///       help:                                 # or write one in place
///         text: { ru: "Помощь", en: "Help" }
///         buttons:
///           - [{ text: "FAQ", reply: faq }, { text: "Site", url: "https://example.com" }]
///       about: "Made by Han"                  # or just a text
///     keywords:
///       - match: ["price", "цена"]
///         reply: prices                       # a named reply, or `text:` in place
///     replies:
///       menu: { text: "Hi!", buttons: [[{ text: "FAQ", reply: faq }]] }
///       faq: { text: "…", edit: true, buttons: [[{ text: "Back", reply: menu }]] }
///       prices: "From 5 €"
///     fallback: "Sorry, I don't understand"
///     unknown_command: "I don't know that command. /help lists what I can do."
/// ```
public struct RepliesConfiguration: Decodable, Sendable, Equatable {
    /// Answers to commands, by command name without the slash (`start`).
    public var commands: [String: Answer]
    /// Keyword rules, tried in order; the first that matches answers.
    public var keywords: [Keyword]
    /// Named replies that commands, buttons and keywords lead to.
    public var replies: [String: Reply]
    /// The answer to any other text in a private chat; without it, such texts pass on.
    public var fallback: LocalizedText?
    /// The answer to a command no plugin before this one took and `commands` does not list, in a
    /// private chat; without it, such commands pass on.
    public var unknownCommand: LocalizedText?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case commands
        case keywords
        case replies
        case fallback
        case unknownCommand = "unknown_command"
    }

    /// Creates a configuration.
    public init(
        commands: [String: Answer] = [:], keywords: [Keyword] = [], replies: [String: Reply] = [:],
        fallback: LocalizedText? = nil, unknownCommand: LocalizedText? = nil
    ) {
        self.commands = commands
        self.keywords = keywords
        self.replies = replies
        self.fallback = fallback
        self.unknownCommand = unknownCommand
    }

    /// Decodes the settings; every key is optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        commands = try container.decodeIfPresent([String: Answer].self, forKey: .commands) ?? [:]
        keywords = try container.decodeIfPresent([Keyword].self, forKey: .keywords) ?? []
        replies = try container.decodeIfPresent([String: Reply].self, forKey: .replies) ?? [:]
        fallback = try container.decodeIfPresent(LocalizedText.self, forKey: .fallback)
        unknownCommand = try container.decodeIfPresent(LocalizedText.self, forKey: .unknownCommand)
    }
}

extension RepliesConfiguration {
    /// What a command answers: a reply written in place, or `{ reply: name }` of one in `replies`.
    public enum Answer: Decodable, Sendable, Equatable {
        /// A reply written in place.
        case inline(Reply)
        /// The name of an entry in `replies`.
        case named(String)

        enum CodingKeys: String, CodingKey, CaseIterable {
            case reply
        }

        /// Decodes `{ reply: name }` as a reference and anything else as a ``Reply``.
        public init(from decoder: any Decoder) throws {
            let keys = Set((try? decoder.container(keyedBy: ProbeKey.self))?.allKeys.map(\.stringValue) ?? [])
            if keys.contains(CodingKeys.reply.stringValue) {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                self = .named(try container.decode(String.self, forKey: .reply))
            } else {
                self = .inline(try Reply(from: decoder))
            }
        }
    }

    /// How the platform reads markup in a reply's text.
    public enum Format: String, Decodable, Sendable, Equatable {
        /// Telegram's HTML subset.
        case html
        /// Telegram's MarkdownV2.
        case markdownV2 = "markdown_v2"

        /// Decodes `html` or `markdown_v2`, with a message that names both.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let format = Format(rawValue: text.lowercased()) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "unknown parse mode '\(text)'; use html or markdown_v2")
            }
            self = format
        }

        /// The platform's parse mode.
        var parseMode: ParseMode {
            switch self {
            case .html: .html
            case .markdownV2: .markdownV2
            }
        }
    }
}

/// Any mapping key, to look at a mapping's keys without claiming them.
struct ProbeKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
