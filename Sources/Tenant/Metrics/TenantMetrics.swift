import CoreMetrics
import Synchronization

/// The names of the metrics a Tenant reports through swift-metrics, with one `bot` dimension
/// each (and `type` or `method` where named). The host documents and exports them.
public enum TenantMetricName {
    /// Counter: updates stored in the inbox, by `type` (`message`, `callback_query`, …).
    public static let updatesReceived = "aviary_updates_received_total"
    /// Counter: updates whose effects were committed.
    public static let updatesHandled = "aviary_updates_handled_total"
    /// Counter: updates that could not be decoded or on which a plugin threw.
    public static let updatesFailed = "aviary_updates_failed_total"
    /// Counter: messages the platform accepted.
    public static let messagesSent = "aviary_messages_sent_total"
    /// Counter: messages given up on (dead letters).
    public static let deadLetters = "aviary_dead_letters_total"
    /// Counter: 429 answers from the platform.
    public static let rateLimited = "aviary_rate_limited_total"
    /// Timer: from taking an update out of the inbox to committing its effects.
    public static let updateHandling = "aviary_update_handling_seconds"
    /// Timer: one platform API call, by `method` (`getUpdates`, `sendMessage`, …).
    public static let apiCall = "aviary_bot_api_call_seconds"
}

/// One bot's metric handles, made together at the bot's first counted event and kept: a bot
/// that never receives an update (ten thousand idle webhook bots) holds no series, and one
/// that did has all of its series, zeros included.
struct TenantMetrics: Sendable {
    private let handles: LazyTenantMetricHandles

    /// Metrics for bot `botID`, made by `factory` when first needed.
    init(botID: String, factory: any MetricsFactory) {
        handles = LazyTenantMetricHandles(botID: botID, factory: factory)
    }

    /// Counts stored updates by their platform type name.
    func received(kinds: [String]) {
        var counts: [String: Int] = [:]
        for kind in kinds { counts[kind, default: 0] += 1 }
        let received = handles.made.received
        for (kind, count) in counts { received[kind].increment(by: count) }
    }

    /// An update was committed after `duration`.
    func handled(after duration: Duration) {
        let made = handles.made
        made.handled.increment()
        made.handling.recordNanoseconds(duration.nanoseconds)
    }

    /// An update failed.
    func failedUpdate() { handles.made.failed.increment() }

    /// The platform accepted a message.
    func messageSent() { handles.made.sent.increment() }

    /// A message was dead-lettered.
    func deadLettered() { handles.made.dead.increment() }

    /// The platform answered 429.
    func rateLimitedCall() { handles.made.limited.increment() }
}

/// The handles of ``TenantMetrics``, made on first use.
private final class LazyTenantMetricHandles: Sendable {
    struct Handles: Sendable {
        let received: MetricHandles<Counter>
        let handled: Counter
        let failed: Counter
        let sent: Counter
        let dead: Counter
        let limited: Counter
        let handling: Timer
    }

    private let botID: String
    private let factory: any MetricsFactory
    private let handles = Mutex<Handles?>(nil)

    init(botID: String, factory: any MetricsFactory) {
        self.botID = botID
        self.factory = factory
    }

    /// The handles, made now if this is the first use.
    var made: Handles {
        handles.withLock { handles in
            if let handles { return handles }
            let made = Self.make(botID: botID, factory: factory)
            handles = made
            return made
        }
    }

    private static func make(botID: String, factory: any MetricsFactory) -> Handles {
        let bot = [("bot", botID)]
        return Handles(
            received: MetricHandles { type in
                Counter(
                    label: TenantMetricName.updatesReceived, dimensions: [("bot", botID), ("type", type)],
                    factory: factory)
            },
            handled: Counter(label: TenantMetricName.updatesHandled, dimensions: bot, factory: factory),
            failed: Counter(label: TenantMetricName.updatesFailed, dimensions: bot, factory: factory),
            sent: Counter(label: TenantMetricName.messagesSent, dimensions: bot, factory: factory),
            dead: Counter(label: TenantMetricName.deadLetters, dimensions: bot, factory: factory),
            limited: Counter(label: TenantMetricName.rateLimited, dimensions: bot, factory: factory),
            handling: Timer(label: TenantMetricName.updateHandling, dimensions: bot, factory: factory))
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000).overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
