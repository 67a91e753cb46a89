/// A rate: `count` events per `period`, with bursts of up to `burst` events.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// Events allowed per period.
    public var count: Int
    /// The period.
    public var period: Duration
    /// Events allowed back to back before pacing starts.
    public var burst: Int

    /// Creates a rate.
    public init(_ count: Int, per period: Duration, burst: Int = 1) {
        precondition(count > 0 && burst > 0, "a rate needs a positive count and burst")
        self.count = count
        self.period = period
        self.burst = burst
    }

    /// The spacing between events at the sustained rate.
    public var interval: Duration { period / count }

    public var description: String { "\(count) per \(period) (burst \(burst))" }
}

/// Telegram's sending limits, enforced per bot. Defaults are Telegram's published figures.
public struct DeliveryLimits: Sendable, Equatable {
    /// One private chat: about one message a second, with short bursts.
    public var privateChat: RateLimit
    /// One group or channel: 20 messages a minute.
    public var group: RateLimit
    /// The whole bot: about 30 messages a second.
    public var bot: RateLimit
    /// Broadcast traffic, a share of the bot-wide rate so interactive replies keep headroom.
    public var broadcast: RateLimit
    /// How long a message may keep failing transiently before it is dead-lettered.
    public var maxAge: Duration
    /// How many chats are sent to at the same time, one message each. It is also the most
    /// replies a crash can repeat: each may have reached the platform before its "sent" mark
    /// was stored. Default 8.
    public var concurrentSends: Int

    /// Creates limits with Telegram's figures as defaults.
    public init(
        privateChat: RateLimit = RateLimit(1, per: .seconds(1), burst: 3),
        group: RateLimit = RateLimit(20, per: .seconds(60), burst: 3),
        bot: RateLimit = RateLimit(30, per: .seconds(1), burst: 30),
        broadcast: RateLimit = RateLimit(20, per: .seconds(1), burst: 20),
        maxAge: Duration = .seconds(24 * 3600),
        concurrentSends: Int = 8
    ) {
        self.privateChat = privateChat
        self.group = group
        self.bot = bot
        self.broadcast = broadcast
        self.maxAge = maxAge
        self.concurrentSends = concurrentSends
    }
}

/// The generic cell rate algorithm: a token bucket kept as one "theoretical arrival time".
///
/// - Important: A value type with no clock of its own; the owner passes the time in.
struct PacingCell: Sendable, Equatable {
    let interval: Duration
    let tolerance: Duration
    private(set) var theoreticalArrival: Duration = .zero

    init(_ rate: RateLimit) {
        interval = rate.interval
        tolerance = rate.interval * (rate.burst - 1)
    }

    /// The earliest time at or after `time` when one more event conforms.
    func earliest(at time: Duration) -> Duration {
        max(time, theoreticalArrival - tolerance)
    }

    /// Records an event at `time` (which must conform).
    mutating func record(at time: Duration) {
        theoreticalArrival = max(theoreticalArrival, time) + interval
    }

    /// Allows nothing before `time` (after a 429's `retry_after`).
    mutating func pause(until time: Duration) {
        theoreticalArrival = max(theoreticalArrival, time + tolerance)
    }
}
