public import Tenant

/// Declarative replies from the manifest: commands, keywords and button menus, with texts per
/// locale — a menu or FAQ bot without code. Settings: ``RepliesConfiguration``.
///
/// - A message with a command in `commands` (`/start`, `/start@this_bot`) gets that reply.
///   Commands not listed pass to the next plugin (or, in a private chat, get `unknown_command`
///   when it is set: list `replies` after every plugin with commands of its own), as do texts
///   starting with `/` (commands meant for other bots).
/// - Otherwise the first keyword rule with a phrase in the text (or a caption) answers. Phrases
///   match whole words in any case: `price` matches "Price?" but not "priceless".
/// - Otherwise, in a private chat, `fallback` answers if it is set; without it, and in groups
///   (where people mostly talk to each other), the message passes.
/// - A press on a button that names a reply (callback data `r:<name>`) is answered (the client's
///   spinner stops) and the reply is sent, or, for a reply with `edit: true`, replaces the pressed
///   message's text and buttons in place. Presses on other buttons pass.
///
/// Texts are chosen per reader: their client's language, then the manifest's `locale`, then
/// the alphabetically first text of the map. Every reference, name and text is checked when the
/// manifest loads.
public struct RepliesPlugin: Plugin {
    /// The settings type.
    public typealias Configuration = RepliesConfiguration

    /// `replies`.
    public static let name = "replies"

    private let configuration: RepliesConfiguration
    private let keywords: KeywordMatcher
    private let locale: String?

    /// Creates the plugin, checking every reference and text now rather than at the first message.
    ///
    /// - Throws: ``PluginConfigurationError`` naming the setting that is wrong.
    public init(configuration: RepliesConfiguration, bot: BotDescriptor) throws {
        try configuration.validate()
        self.configuration = configuration
        self.keywords = KeywordMatcher(rules: configuration.keywords.map(\.match))
        self.locale = bot.locale
    }

    /// Messages and button presses.
    public var interests: Set<UpdateKind> { [.message, .callbackQuery] }

    /// Answers commands, keywords, button presses and, if set, other private texts.
    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        switch update.content {
        case .message(let message): answer(message, context: context)
        case .callbackQuery(let query): press(query, context: context)
        default: .passed
        }
    }

    private func answer(_ message: Message, context: PluginContext) -> Disposition {
        guard let text = message.text, !text.isEmpty else { return .passed }
        let language = message.sender?.languageCode
        if let command = message.command {
            guard let answer = configuration.commands[command.name] else {
                guard let unknown = configuration.unknownCommand, message.chat.kind == .private else { return .passed }
                context.reply(unknown.resolve(language: language, fallbackLocale: locale))
                return .handled
            }
            switch answer {
            case .inline(let reply): send(reply, language: language, context: context)
            case .named(let name): send(configuration.replies[name], language: language, context: context)
            }
            return .handled
        }
        guard !text.hasPrefix("/") else { return .passed }
        if let index = keywords.firstMatch(in: text) {
            let rule = configuration.keywords[index]
            if let name = rule.reply {
                send(configuration.replies[name], language: language, context: context)
            } else if let inline = rule.text {
                context.reply(inline.resolve(language: language, fallbackLocale: locale))
            }
            return .handled
        }
        if let fallback = configuration.fallback, message.chat.kind == .private {
            context.reply(fallback.resolve(language: language, fallbackLocale: locale))
            return .handled
        }
        return .passed
    }

    private func press(_ query: CallbackQuery, context: PluginContext) -> Disposition {
        guard let name = ReplyCallback.replyName(in: query.data), let reply = configuration.replies[name] else {
            return .passed
        }
        context.answerCallback()
        let language = query.sender.languageCode
        if reply.edit, let pressed = query.message {
            let rendered = render(reply, language: language)
            context.edit(MessageEdit(
                chatID: pressed.chat.id, messageID: pressed.id, text: rendered.text, parseMode: rendered.parseMode,
                buttons: rendered.buttons))
        } else {
            send(reply, language: language, context: context)
        }
        return .handled
    }

    /// Sends a reply; validation guarantees that named replies exist.
    private func send(_ reply: RepliesConfiguration.Reply?, language: String?, context: PluginContext) {
        guard let reply else { return }
        let rendered = render(reply, language: language)
        context.reply(rendered.text, parseMode: rendered.parseMode, buttons: rendered.buttons)
    }

    private func render(
        _ reply: RepliesConfiguration.Reply, language: String?
    ) -> (text: String, parseMode: ParseMode?, buttons: [[InlineButton]]) {
        let buttons = reply.buttons.map { row in
            row.map { button in
                let label = button.text.resolve(language: language, fallbackLocale: locale)
                if let url = button.url { return InlineButton.url(label, url: url) }
                return InlineButton.callback(label, data: ReplyCallback.data(forReply: button.reply ?? ""))
            }
        }
        return (reply.text.resolve(language: language, fallbackLocale: locale), reply.parseMode?.parseMode, buttons)
    }
}
