import Foundation

/// How one bot runs, from its manifest and the host's options.
public struct TenantConfiguration: Sendable {
    /// The bot as plugins see it.
    public var bot: BotDescriptor
    /// The bot's SQLite file.
    public var databasePath: String
    /// How long a long poll may wait for updates. Default 30 s.
    public var pollTimeout: Duration
    /// How many chats are handled at the same time. Default 16.
    public var maxConcurrentChats: Int
    /// How long stopping waits for the outbox to empty. Default 5 s.
    public var flushTimeout: Duration
    /// Backoff for start-up, polling and sending errors.
    public var backoff: Backoff
    /// Sending limits, how many chats are sent to at once, and how long to retry a message.
    public var limits: DeliveryLimits
    /// How long one update's (or job's) plugins may take before they are cancelled and the
    /// update fails. Default 120 s.
    public var handlingTimeout: Duration = .seconds(120)
    /// How many times handling one update (or job) may begin before it is given up on and
    /// marked failed; an attempt the host did not live through counts. Default 3.
    public var maxAttempts: Int = 3

    /// Creates a configuration with the documented defaults.
    public init(
        bot: BotDescriptor, databasePath: String, pollTimeout: Duration = .seconds(30),
        maxConcurrentChats: Int = 16, flushTimeout: Duration = .seconds(5),
        backoff: Backoff = Backoff(), limits: DeliveryLimits = DeliveryLimits()
    ) {
        self.limits = limits
        self.bot = bot
        self.databasePath = databasePath
        self.pollTimeout = pollTimeout
        self.maxConcurrentChats = maxConcurrentChats
        self.flushTimeout = flushTimeout
        self.backoff = backoff
    }
}

/// Where a bot is in its life.
public enum TenantState: Sendable, Equatable {
    /// Opening its database and identifying itself with the platform.
    case starting
    /// Receiving and answering.
    case running
    /// Draining: no longer receiving, finishing work in flight and flushing the outbox.
    case stopping
    /// Stopped cleanly.
    case stopped
    /// Stopped by an error it cannot recover from, such as a rejected token.
    case failed(String)
}

/// Why a bot stopped for good.
public struct TenantError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The bot's id.
    public var botID: String
    /// What went wrong and what to do.
    public var reason: String

    /// Creates an error.
    public init(botID: String, reason: String) {
        self.botID = botID
        self.reason = reason
    }

    public var description: String { "bot \(botID): \(reason)" }
}
