extension RepliesConfiguration {
    /// A reply: a text, optional buttons, optional markup.
    ///
    /// Written as just a text (`"Hi"`, `{ ru: "Привет", en: "Hi" }`) or in full
    /// (`{ text: …, buttons: …, parse_mode: html, edit: true }`).
    public struct Reply: Decodable, Sendable, Equatable {
        /// The text.
        public var text: LocalizedText
        /// Rows of inline buttons.
        public var buttons: [[Button]]
        /// How to read markup in the text; plain text when `nil`.
        public var parseMode: Format?
        /// Whether a button press that leads here replaces the pressed message's text and buttons
        /// instead of sending a new message (menus that change in place).
        public var edit: Bool
        /// Whether the reply was written as just a text, so errors name the text's own key.
        var isShorthand = false

        enum CodingKeys: String, CodingKey, CaseIterable {
            case text
            case buttons
            case parseMode = "parse_mode"
            case edit
        }

        /// Creates a reply.
        public init(text: LocalizedText, buttons: [[Button]] = [], parseMode: Format? = nil, edit: Bool = false) {
            self.text = text
            self.buttons = buttons
            self.parseMode = parseMode
            self.edit = edit
        }

        /// Decodes a full reply when the mapping has any of its keys, else a text.
        public init(from decoder: any Decoder) throws {
            let keys = Set((try? decoder.container(keyedBy: ProbeKey.self))?.allKeys.map(\.stringValue) ?? [])
            guard !keys.isDisjoint(with: CodingKeys.allCases.map(\.stringValue)) else {
                self.init(text: try LocalizedText(from: decoder))
                isShorthand = true
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                text: try container.decode(LocalizedText.self, forKey: .text),
                buttons: try container.decodeIfPresent([[Button]].self, forKey: .buttons) ?? [],
                parseMode: try container.decodeIfPresent(Format.self, forKey: .parseMode),
                edit: try container.decodeIfPresent(Bool.self, forKey: .edit) ?? false)
        }

        /// Replies are equal when they say and show the same, however they were written.
        public static func == (lhs: Reply, rhs: Reply) -> Bool {
            lhs.text == rhs.text && lhs.buttons == rhs.buttons && lhs.parseMode == rhs.parseMode
                && lhs.edit == rhs.edit
        }
    }

    /// A button under a reply: it leads to a named reply, or opens a URL.
    public struct Button: Decodable, Sendable, Equatable {
        /// The label.
        public var text: LocalizedText
        /// The name of an entry in `replies` to show when pressed.
        public var reply: String?
        /// A URL to open when pressed (`https://`, `http://` or `tg://`).
        public var url: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case text
            case reply
            case url
        }

        /// Creates a button; give exactly one of `reply` and `url`.
        public init(text: LocalizedText, reply: String? = nil, url: String? = nil) {
            self.text = text
            self.reply = reply
            self.url = url
        }
    }

    /// A keyword rule: any of `match` in a message, as whole words in any case, leads to a reply.
    public struct Keyword: Decodable, Sendable, Equatable {
        /// Words or phrases to look for; one string or a list.
        public var match: [String]
        /// The name of an entry in `replies`.
        public var reply: String?
        /// Or a text written in place.
        public var text: LocalizedText?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case match
            case reply
            case text
        }

        /// Creates a rule; give exactly one of `reply` and `text`.
        public init(match: [String], reply: String? = nil, text: LocalizedText? = nil) {
            self.match = match
            self.reply = reply
            self.text = text
        }

        /// Decodes a rule whose `match` is a list of phrases or a single one.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let match: [String]
            if let list = try? container.decode([String].self, forKey: .match) {
                match = list
            } else {
                match = [try container.decode(String.self, forKey: .match)]
            }
            self.init(
                match: match,
                reply: try container.decodeIfPresent(String.self, forKey: .reply),
                text: try container.decodeIfPresent(LocalizedText.self, forKey: .text))
        }
    }
}
