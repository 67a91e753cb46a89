public import Tenant

/// Answers every text message with exactly the same text, in the same chat.
///
/// The exact behaviour, which load benchmarks rely on:
/// - A new message with text and no media gets one reply: the same text, byte for byte, in the
///   same chat, as a plain message (no parse mode, no quote, no buttons); the update is
///   ``Disposition/handled``. A text of up to 4096 characters is one reply.
/// - A bot command addressed to this bot (`/start`, `/start@this_bot`) passes, so that a
///   `replies` or `admin` plugin later in the pipeline can answer it. A command meant for
///   another bot (`/start@other_bot`) is ordinary text and is echoed.
/// - Media (a caption is not echoed), edited messages, button presses and anything else pass.
///
/// It takes no settings: `plugins: [echo]`.
public struct EchoPlugin: Plugin {
    /// `echo`.
    public static let name = "echo"

    /// Creates the plugin; it takes no settings.
    public init(configuration: NoConfiguration, bot: BotDescriptor) {}

    /// Echoes a text message; passes everything else.
    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let message = update.message, message.command == nil, message.attachment == nil,
            let text = message.text, !text.isEmpty
        else { return .passed }
        context.send(OutgoingMessage(chatID: message.chat.id, text: text))
        return .handled
    }
}
