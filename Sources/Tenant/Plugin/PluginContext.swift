public import Foundation
public import Logging
public import Storage

/// A bot's runtime figures, for admin commands.
public struct BotStatus: Sendable {
    /// When this run of the bot started.
    public var startedAt: Date
    /// Stored counters and queue depths.
    public var store: StoreStatus

    /// Creates a status.
    public init(startedAt: Date, store: StoreStatus) {
        self.startedAt = startedAt
        self.store = store
    }
}

/// Everything a plugin may use while it handles one update.
///
/// Replies and writes made here are applied only when the whole pipeline finished without a
/// throw, in one transaction with the update's "done" mark.
public struct PluginContext: Sendable {
    /// The bot the plugin runs in.
    public let bot: BotDescriptor
    /// Who the bot is on its platform.
    public let identity: BotIdentity
    /// The update being handled.
    public let update: Update
    /// A logger carrying `bot`, `chat` and `update_id` metadata.
    public let logger: Logger
    /// The bot's database, for the plugin's own tables and key-values.
    public let storage: PluginStorage
    /// The time the update's handling started; use it instead of `Date()` so tests can pin it.
    public let now: Date
    /// The bot's outbox: dead letters and broadcasts.
    public let delivery: DeliveryControl

    let effects: Effects
    /// The bot's pipeline, for ``exportPerson(_:)``.
    let plugins: [any Plugin]
    let statusProvider: @Sendable () async throws -> BotStatus

    package init(
        bot: BotDescriptor, identity: BotIdentity, update: Update, logger: Logger, storage: PluginStorage,
        now: Date, effects: Effects, store: BotStore, plugins: [any Plugin],
        statusProvider: @escaping @Sendable () async throws -> BotStatus
    ) {
        self.delivery = DeliveryControl(store: store, effects: effects)
        self.bot = bot
        self.identity = identity
        self.update = update
        self.logger = logger
        self.storage = storage
        self.now = now
        self.effects = effects
        self.plugins = plugins
        self.statusProvider = statusProvider
    }

    /// Whether the update's sender is one of the manifest's admins.
    public var senderIsAdmin: Bool {
        guard let sender = update.sender else { return false }
        return bot.admins.contains(sender.id)
    }

    /// The chat a reply goes to: the update's chat, or the sender's private chat, or a
    /// scheduled job's chat.
    public var replyChatID: Int64? {
        update.chat?.id ?? update.sender?.id ?? update.scheduledJob?.chatID
    }

    /// Sends a text to the update's chat.
    public func reply(
        _ text: String, parseMode: ParseMode? = nil, buttons: [[InlineButton]] = [], quote: Bool = false
    ) {
        guard let chatID = replyChatID else {
            logger.warning("update has no chat to reply to; reply dropped")
            return
        }
        let replyTo = quote ? update.message?.id : nil
        send(OutgoingMessage(chatID: chatID, text: text, parseMode: parseMode, buttons: buttons,
                             replyToMessageID: replyTo))
    }

    /// Sends a message to any chat.
    ///
    /// A text over the platform's limit (4096 on Telegram) is split on paragraph, line, then
    /// word boundaries into parts sent in order; the quote goes on the first part and the
    /// buttons on the last. A photo's caption is split at 1024, Telegram's caption limit: the
    /// photo carries the first part and the rest follow as texts.
    public func send(_ message: OutgoingMessage) {
        let splitter = message.photo == nil ? MessageSplitter() : MessageSplitter(limit: TelegramTextLength.captionLimit)
        let parts = splitter.split(message.text, parseMode: message.parseMode)
        for (index, text) in parts.enumerated() {
            var part = message
            part.text = text
            if index > 0 {
                part.replyToMessageID = nil
                part.photo = nil
            }
            if index < parts.count - 1 { part.buttons = [] }
            effects.append(.send(part))
        }
    }

    /// Replaces the text (or a photo's caption, ``MessageEdit/caption(chatID:messageID:text:parseMode:buttons:)``)
    /// and buttons of a message the bot sent.
    public func edit(_ edit: MessageEdit) {
        effects.append(.edit(edit))
    }

    /// Replaces only the buttons of a message the bot sent; none removes them.
    public func editButtons(_ edit: ButtonsEdit) {
        effects.append(.editButtons(edit))
    }

    /// Answers the update's button press; does nothing when the update is no button press.
    public func answerCallback(text: String? = nil, showAlert: Bool = false) {
        guard let query = update.callbackQuery else { return }
        let chatID = query.message?.chat.id ?? query.sender.id
        effects.append(.answerCallback(CallbackAnswer(chatID: chatID, callbackID: query.id, text: text,
                                                      showAlert: showAlert)))
    }

    /// The bot's current counters and queue depths.
    public func botStatus() async throws -> BotStatus {
        try await statusProvider()
    }
}
