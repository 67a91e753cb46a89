import Foundation
public import Tenant

/// Operator commands inside the chat, for the manifest's `admins` only:
///
/// - `/status`: uptime, updates handled and failed, inbox and outbox depth, messages sent and
///   dead-lettered, the last error.
/// - `/deadletters`: the latest messages given up on; `/retry <id>` or `/retry all` queues them again.
/// - `/broadcast <text>`: sends the text to every private chat that has not blocked the bot,
///   paced by the bot's limits; `/broadcast status` shows its progress.
/// - `/help`: this list.
///
/// For anyone else, and for other commands, the update passes to the next plugin.
public struct AdminPlugin: Plugin {
    public static let name = "admin"

    /// Creates the plugin; it takes no settings (admins come from the manifest's `admins`).
    public init(configuration: NoConfiguration, bot: BotDescriptor) {}

    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let command = update.message?.command, context.senderIsAdmin else { return .passed }
        switch command.name {
        case "status":
            context.reply(AdminFormat.status(try await context.botStatus(), now: context.now))
        case "help":
            context.reply(AdminFormat.help)
        case "deadletters":
            context.reply(AdminFormat.deadLetters(try await context.delivery.deadLetters(limit: 10)))
        case "retry":
            let argument = command.arguments.lowercased()
            if argument == "all" {
                context.delivery.retryDeadLetters(nil)
                context.reply("Every dead letter is queued again.")
            } else if let id = Int64(argument) {
                context.delivery.retryDeadLetters([id])
                context.reply("Dead letter \(id) is queued again.")
            } else {
                context.reply("Usage: /retry <id> or /retry all (ids are in /deadletters).")
            }
        case "broadcast":
            let text = command.arguments
            if text.lowercased() == "status" {
                context.reply(AdminFormat.broadcast(try await context.delivery.broadcastProgress()))
            } else if text.isEmpty {
                context.reply("Usage: /broadcast <text>, or /broadcast status.")
            } else {
                context.delivery.broadcast(text)
                context.reply("Broadcast queued; /broadcast status shows its progress.")
            }
        default:
            return .passed
        }
        return .handled
    }
}
