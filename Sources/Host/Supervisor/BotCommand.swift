/// An operator's request about one bot, from the management API.
enum BotCommand: String, Sendable {
    /// Start a stopped or failed bot; a running bot is left as it is.
    case start
    /// Drain and stop the bot; reloads leave it stopped until it is started again.
    case stop
    /// Stop the bot if it runs, then start it with its current manifest.
    case restart

    /// The audit log's name for it: `bot.started`, `bot.stopped`, `bot.restarted`.
    var auditAction: String {
        switch self {
        case .start: "bot.started"
        case .stop: "bot.stopped"
        case .restart: "bot.restarted"
        }
    }
}

/// Why a bot command could not be carried out.
enum BotCommandError: Error, Equatable, CustomStringConvertible {
    /// No valid manifest has this id.
    case unknownBot(String)
    /// The host is shutting down.
    case shuttingDown

    var description: String {
        switch self {
        case .unknownBot(let id): "no bot '\(id)' in bots.d (or its manifest is invalid or disabled)"
        case .shuttingDown: "the host is shutting down"
        }
    }
}
