public import Tenant

/// Operator commands inside the chat, for the manifest's `admins` only.
///
/// - `/status`: uptime, updates handled and failed, inbox and outbox depth, messages sent and
///   dead, and the last error with its age.
/// - `/deadletters`: the latest messages given up on; `/retry <id> …` or `/retry all` queues
///   them again.
/// - `/broadcast <text>`: sends the text to every private chat that has not blocked the bot,
///   paced by the bot's limits; `/broadcast status` shows its progress.
/// - `/forget <user id>`: erases everything the bot stored about that person
///   (``PluginContext/forgetUser(_:)``), for a deletion request that came another way.
/// - `/export <user id>`: everything the bot stored about that person, as JSON
///   (``PluginContext/exportPerson(_:)``), in as many messages as it takes up to
///   ``AdminFormat/exportLength`` characters; a longer one is summed up and left to the API.
/// - `/help`: the list of these commands; the command then passes on, so the bot's own `/help`
///   (a `replies` plugin later in the pipeline) answers an admin too.
///
/// Anyone else's messages, and other commands, pass to the next plugin, so a `replies` plugin
/// later in the pipeline still answers `/help` for everyone who is not an admin.
public struct AdminPlugin: Plugin {
    /// `admin`.
    public static let name = "admin"

    /// Creates the plugin; it takes no settings (the admins are the manifest's `admins`).
    public init(configuration: NoConfiguration, bot: BotDescriptor) {}

    /// Answers an admin's command; passes everything else.
    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let command = update.message?.command, context.senderIsAdmin else { return .passed }
        switch command.name {
        case "status":
            let status = try await context.botStatus()
            context.reply(AdminFormat.status(status, bot: context.bot, now: context.now))
        case "help":
            // An admin is also a person using the bot: its own /help, later on, answers too.
            context.reply(AdminFormat.help)
            return .passed
        case "deadletters":
            context.reply(AdminFormat.deadLetters(try await context.delivery.deadLetters(limit: 10)))
        case "retry":
            retry(command.arguments, context: context)
        case "broadcast":
            try await broadcast(command.arguments, context: context)
        case "forget":
            forget(command.arguments, context: context)
        case "export":
            try await export(command.arguments, context: context)
        default:
            return .passed
        }
        return .handled
    }

    private func retry(_ arguments: String, context: PluginContext) {
        let words = arguments.split(whereSeparator: { $0 == " " || $0 == "," })
        if words.count == 1, words[0].lowercased() == "all" {
            context.delivery.retryDeadLetters(nil)
            context.reply("Every dead letter is queued again.")
            return
        }
        let ids = words.compactMap { Int64($0.drop(while: { $0 == "#" })) }
        guard !ids.isEmpty, ids.count == words.count else {
            context.reply("Usage: /retry <id> … or /retry all (the ids are in /deadletters).")
            return
        }
        context.delivery.retryDeadLetters(ids)
        let list = ids.map { "#\($0)" }.joined(separator: ", ")
        context.reply("Queued again: \(list).")
    }

    private func forget(_ argument: String, context: PluginContext) {
        guard let userID = Self.userID(argument) else {
            context.reply("Usage: /forget <user id>, the person's numeric id (as in the logs' chat field).")
            return
        }
        context.forgetUser(userID)
        context.reply("Everything stored about \(userID) is erased: their user and chat rows, queued messages, "
            + "jobs and every plugin's data.")
    }

    private func export(_ argument: String, context: PluginContext) async throws {
        guard let userID = Self.userID(argument) else {
            context.reply("Usage: /export <user id>, the person's numeric id (as in the logs' chat field).")
            return
        }
        let export = try await context.exportPerson(userID)
        for text in AdminFormat.export(export) { context.reply(text) }
    }

    /// A person's id as an admin writes it: ASCII digits for a whole number from 1, as the API
    /// takes it (no sign, no other script's digits).
    private static func userID(_ argument: String) -> Int64? {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard argument.utf8.allSatisfy(digits.contains), let userID = Int64(argument), userID > 0 else { return nil }
        return userID
    }

    private func broadcast(_ text: String, context: PluginContext) async throws {
        if text.lowercased() == "status" {
            context.reply(AdminFormat.broadcast(try await context.delivery.broadcastProgress()))
        } else if text.isEmpty {
            context.reply("Usage: /broadcast <text>, or /broadcast status.")
        } else {
            context.delivery.broadcast(text)
            context.reply("Broadcast queued; /broadcast status shows its progress.")
        }
    }
}
