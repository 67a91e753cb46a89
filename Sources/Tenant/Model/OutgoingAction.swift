/// A call to the platform that a plugin asked for. It is stored in the outbox, in the same
/// transaction as the plugin's state, and sent afterwards.
public enum OutgoingAction: Sendable, Hashable, Codable {
    /// Send a new message.
    case send(OutgoingMessage)
    /// Replace the text, or a photo's caption, and the buttons of a message the bot sent.
    case edit(MessageEdit)
    /// Replace only the buttons of a message the bot sent (none: remove them).
    case editButtons(ButtonsEdit)
    /// Answer an inline button press (stops the client's spinner, may show a notice).
    case answerCallback(CallbackAnswer)

    /// The chat the action is about; actions for one chat are sent strictly in order.
    public var chatID: Int64 {
        switch self {
        case .send(let message): message.chatID
        case .edit(let edit): edit.chatID
        case .editButtons(let edit): edit.chatID
        case .answerCallback(let answer): answer.chatID
        }
    }
}

/// How the platform should read markup in a text.
public enum ParseMode: String, Sendable, Hashable, Codable {
    /// Telegram's HTML subset.
    case html = "HTML"
    /// Telegram's MarkdownV2.
    case markdownV2 = "MarkdownV2"
}

/// A button under a message.
public struct InlineButton: Sendable, Hashable, Codable {
    /// What pressing the button does.
    public enum Action: Sendable, Hashable, Codable {
        /// Sends the bot a callback query with this data (1–64 bytes).
        case callback(String)
        /// Opens a URL.
        case url(String)
    }

    /// The label.
    public var text: String
    /// What pressing it does.
    public var action: Action

    /// Creates a button.
    public init(text: String, action: Action) {
        self.text = text
        self.action = action
    }

    /// A button that sends `data` back to the bot.
    public static func callback(_ text: String, data: String) -> InlineButton {
        InlineButton(text: text, action: .callback(data))
    }

    /// A button that opens `url`.
    public static func url(_ text: String, url: String) -> InlineButton {
        InlineButton(text: text, action: .url(url))
    }
}

/// A new message to send.
public struct OutgoingMessage: Sendable, Hashable, Codable {
    /// Where to send it.
    public var chatID: Int64
    /// The text.
    public var text: String
    /// How to read markup in the text; plain text when `nil`.
    public var parseMode: ParseMode?
    /// Rows of inline buttons.
    public var buttons: [[InlineButton]]
    /// The message this one answers.
    public var replyToMessageID: Int64?
    /// A photo to send, by the platform's file id (Telegram's `file_id` of a photo someone
    /// sent the bot); ``text`` is then its caption.
    public var photo: String?

    /// Creates a message.
    public init(
        chatID: Int64, text: String, parseMode: ParseMode? = nil, buttons: [[InlineButton]] = [],
        replyToMessageID: Int64? = nil, photo: String? = nil
    ) {
        self.chatID = chatID
        self.text = text
        self.parseMode = parseMode
        self.buttons = buttons
        self.replyToMessageID = replyToMessageID
        self.photo = photo
    }
}

/// A new text, or a new caption for a photo, for a message the bot sent.
public struct MessageEdit: Sendable, Hashable, Codable {
    /// The message's chat.
    public var chatID: Int64
    /// The message to edit.
    public var messageID: Int64
    /// The new text, or caption when ``isCaption``.
    public var text: String
    /// How to read markup in the text.
    public var parseMode: ParseMode?
    /// The new buttons.
    public var buttons: [[InlineButton]]
    /// Whether the message is a photo whose caption this replaces (Telegram's
    /// `editMessageCaption`, at most 1024 characters) rather than a text message
    /// (`editMessageText`). The platform refuses the wrong one.
    public var isCaption: Bool

    /// Creates an edit of a text message.
    public init(
        chatID: Int64, messageID: Int64, text: String, parseMode: ParseMode? = nil, buttons: [[InlineButton]] = []
    ) {
        self.chatID = chatID
        self.messageID = messageID
        self.text = text
        self.parseMode = parseMode
        self.buttons = buttons
        self.isCaption = false
    }

    /// An edit of a photo's caption.
    public static func caption(
        chatID: Int64, messageID: Int64, text: String, parseMode: ParseMode? = nil, buttons: [[InlineButton]] = []
    ) -> MessageEdit {
        var edit = MessageEdit(chatID: chatID, messageID: messageID, text: text, parseMode: parseMode, buttons: buttons)
        edit.isCaption = true
        return edit
    }

    /// Decodes an edit; one stored before captions could be edited is a text edit.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chatID = try container.decode(Int64.self, forKey: .chatID)
        messageID = try container.decode(Int64.self, forKey: .messageID)
        text = try container.decode(String.self, forKey: .text)
        parseMode = try container.decodeIfPresent(ParseMode.self, forKey: .parseMode)
        buttons = try container.decode([[InlineButton]].self, forKey: .buttons)
        isCaption = try container.decodeIfPresent(Bool.self, forKey: .isCaption) ?? false
    }
}

/// New buttons for a message the bot sent, leaving its text or photo as it is.
public struct ButtonsEdit: Sendable, Hashable, Codable {
    /// The message's chat.
    public var chatID: Int64
    /// The message to edit.
    public var messageID: Int64
    /// The new buttons; none removes them (a spent card or question).
    public var buttons: [[InlineButton]]

    /// Creates an edit of a message's buttons.
    public init(chatID: Int64, messageID: Int64, buttons: [[InlineButton]] = []) {
        self.chatID = chatID
        self.messageID = messageID
        self.buttons = buttons
    }
}

/// The answer to an inline button press.
public struct CallbackAnswer: Sendable, Hashable, Codable {
    /// The chat the button was in (for ordering), or 0.
    public var chatID: Int64
    /// The callback query's id.
    public var callbackID: String
    /// A short notice to show, if any.
    public var text: String?
    /// Whether to show the notice as an alert instead of a toast.
    public var showAlert: Bool

    /// Creates an answer.
    public init(chatID: Int64, callbackID: String, text: String? = nil, showAlert: Bool = false) {
        self.chatID = chatID
        self.callbackID = callbackID
        self.text = text
        self.showAlert = showAlert
    }
}
