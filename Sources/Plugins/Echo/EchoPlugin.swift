public import Tenant

/// Answers every text message with exactly the same text, in the same chat.
///
/// Bot commands addressed to this bot (`/start`) are passed on, so a `replies` or `admin`
/// plugin later in the pipeline can answer them; captions, edits and media pass too.
///
/// - Important: Load benchmarks depend on this exact behaviour: one plain reply per text, same
///   text, same chat, no quote, no markup.
public struct EchoPlugin: Plugin {
    public static let name = "echo"

    /// Creates the plugin; it takes no settings.
    public init(configuration: NoConfiguration, bot: BotDescriptor) {}

    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let message = update.message, message.command == nil, message.attachment == nil,
            let text = message.text, !text.isEmpty
        else { return .passed }
        context.send(OutgoingMessage(chatID: message.chat.id, text: text))
        return .handled
    }
}
