public import Tenant

/// The `replies` plugin's settings: commands, keywords, named replies and a fallback.
public struct RepliesConfiguration: Decodable, Sendable, Equatable {
    /// A reply: its text and optional buttons.
    public struct Reply: Decodable, Sendable, Equatable {
        /// The text.
        public var text: LocalizedText
        /// Rows of inline buttons.
        public var buttons: [[Button]]
        /// `html` or `markdown_v2`, or plain text when absent.
        public var parseMode: ParseMode?

        enum CodingKeys: String, CodingKey {
            case text, buttons
            case parseMode = "parse_mode"
        }

        /// Creates a reply.
        public init(text: LocalizedText, buttons: [[Button]] = [], parseMode: ParseMode? = nil) {
            self.text = text
            self.buttons = buttons
            self.parseMode = parseMode
        }

        /// Decodes `"text"`, `{ru: …, en: …}`, or `{text: …, buttons: …, parse_mode: …}`.
        public init(from decoder: any Decoder) throws {
            let probe = try? decoder.container(keyedBy: AnyReplyKey.self)
            guard let probe, probe.contains(AnyReplyKey(stringValue: "text")) else {
                self.init(text: try LocalizedText(from: decoder))
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let text = try container.decode(LocalizedText.self, forKey: .text)
            let buttons = try container.decodeIfPresent([[Button]].self, forKey: .buttons) ?? []
            let parseMode: ParseMode?
            switch try container.decodeIfPresent(String.self, forKey: .parseMode) {
            case nil: parseMode = nil
            case "html", "HTML": parseMode = .html
            case "markdown_v2", "MarkdownV2": parseMode = .markdownV2
            case let other?:
                throw DecodingError.dataCorruptedError(
                    forKey: .parseMode, in: container, debugDescription: "unknown parse mode '\(other)'; use html or markdown_v2")
            }
            self.init(text: text, buttons: buttons, parseMode: parseMode)
        }
    }

    /// A button under a reply: it leads to a named reply, or opens a URL.
    public struct Button: Decodable, Sendable, Equatable {
        /// The label.
        public var text: LocalizedText
        /// The name of an entry in `replies` to show when pressed.
        public var reply: String?
        /// A URL to open when pressed.
        public var url: String?
    }

    /// A keyword rule: any of `match` (whole words, any case) in a message leads to a reply.
    public struct Keyword: Decodable, Sendable, Equatable {
        /// Words or phrases to look for.
        public var match: [String]
        /// The name of an entry in `replies`.
        public var reply: String?
        /// Or an inline text.
        public var text: LocalizedText?
    }

    /// Replies to commands, by command name without the slash.
    public var commands: [String: Reply]
    /// Keyword rules, tried in order.
    public var keywords: [Keyword]
    /// Named replies that buttons and keywords lead to.
    public var replies: [String: Reply]
    /// The answer to any other text; without it, other texts pass to the next plugin.
    public var fallback: LocalizedText?

    enum CodingKeys: String, CodingKey {
        case commands, keywords, replies, fallback
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        commands = try container.decodeIfPresent([String: Reply].self, forKey: .commands) ?? [:]
        keywords = try container.decodeIfPresent([Keyword].self, forKey: .keywords) ?? []
        replies = try container.decodeIfPresent([String: Reply].self, forKey: .replies) ?? [:]
        fallback = try container.decodeIfPresent(LocalizedText.self, forKey: .fallback)
    }
}

/// Any key, to look at a mapping's keys without claiming them.
struct AnyReplyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
