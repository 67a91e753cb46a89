import Foundation
public import Tenant

/// Declarative replies: commands, keywords and button menus from the manifest, with texts per
/// locale — a menu or FAQ bot with no code.
///
/// A command in `commands` is answered; a message with a keyword answers with its rule's reply;
/// a press on a button that names a reply answers the press and sends that reply; any other text
/// gets the `fallback` if one is set, else passes to the next plugin. Unknown commands pass.
public struct RepliesPlugin: Plugin {
    public typealias Configuration = RepliesConfiguration
    public static let name = "replies"

    /// Prefix of the callback data of buttons that lead to a named reply.
    static let callbackPrefix = "r:"

    let configuration: RepliesConfiguration
    let locale: String?

    /// Creates the plugin, checking every reference and text now rather than at the first message.
    public init(configuration: RepliesConfiguration, bot: BotDescriptor) throws {
        try Self.validate(configuration)
        self.configuration = configuration
        self.locale = bot.locale
    }

    public var interests: Set<UpdateKind> { [.message, .callbackQuery] }

    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        let language = update.sender?.languageCode
        if let query = update.callbackQuery {
            guard let data = query.data, data.hasPrefix(Self.callbackPrefix),
                let reply = configuration.replies[String(data.dropFirst(Self.callbackPrefix.count))]
            else { return .passed }
            context.answerCallback()
            send(reply, language: language, context: context)
            return .handled
        }
        guard let message = update.message, let text = message.text else { return .passed }
        if let command = message.command {
            guard let reply = configuration.commands[command.name] else { return .passed }
            send(reply, language: language, context: context)
            return .handled
        }
        if let rule = configuration.keywords.first(where: { $0.matches(text) }) {
            if let name = rule.reply, let reply = configuration.replies[name] {
                send(reply, language: language, context: context)
            } else if let inline = rule.text {
                context.reply(inline.resolve(language: language, fallbackLocale: locale))
            }
            return .handled
        }
        if let fallback = configuration.fallback {
            context.reply(fallback.resolve(language: language, fallbackLocale: locale))
            return .handled
        }
        return .passed
    }

    private func send(_ reply: RepliesConfiguration.Reply, language: String?, context: PluginContext) {
        let buttons = reply.buttons.map { row in
            row.map { button in
                let label = button.text.resolve(language: language, fallbackLocale: locale)
                if let url = button.url { return InlineButton.url(label, url: url) }
                return InlineButton.callback(label, data: Self.callbackPrefix + (button.reply ?? ""))
            }
        }
        context.reply(reply.text.resolve(language: language, fallbackLocale: locale), parseMode: reply.parseMode,
                      buttons: buttons)
    }
}

extension RepliesConfiguration.Keyword {
    /// Whether any phrase occurs in `text` as whole words, ignoring case.
    func matches(_ text: String) -> Bool {
        let haystack = " " + Self.normalize(text) + " "
        return match.contains { phrase in
            let needle = Self.normalize(phrase)
            return !needle.isEmpty && haystack.contains(" " + needle + " ")
        }
    }

    static func normalize(_ text: String) -> String {
        text.lowercased().unicodeScalars
            .map { CharacterSet.alphanumerics.contains($0) ? String($0) : " " }
            .joined()
            .split(separator: " ")
            .joined(separator: " ")
    }
}
