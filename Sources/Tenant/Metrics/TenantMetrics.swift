import CoreMetrics

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

/// One bot's metric handles, each made once.
struct TenantMetrics: Sendable {
    private let received: MetricHandles<Counter>
    private let handled: Counter
    private let failed: Counter
    private let sent: Counter
    private let dead: Counter
    private let limited: Counter
    private let handling: Timer

    /// Metrics for bot `botID`, made by `factory`.
    init(botID: String, factory: any MetricsFactory) {
        received = MetricHandles { type in
            Counter(label: TenantMetricName.updatesReceived, dimensions: [("bot", botID), ("type", type)], factory: factory)
        }
        let bot = [("bot", botID)]
        handled = Counter(label: TenantMetricName.updatesHandled, dimensions: bot, factory: factory)
        failed = Counter(label: TenantMetricName.updatesFailed, dimensions: bot, factory: factory)
        sent = Counter(label: TenantMetricName.messagesSent, dimensions: bot, factory: factory)
        dead = Counter(label: TenantMetricName.deadLetters, dimensions: bot, factory: factory)
        limited = Counter(label: TenantMetricName.rateLimited, dimensions: bot, factory: factory)
        handling = Timer(label: TenantMetricName.updateHandling, dimensions: bot, factory: factory)
    }

    /// Counts stored updates by their platform type name.
    func received(kinds: [String]) {
        var counts: [String: Int] = [:]
        for kind in kinds { counts[kind, default: 0] += 1 }
        for (kind, count) in counts { received[kind].increment(by: count) }
    }

    /// An update was committed after `duration`.
    func handled(after duration: Duration) {
        handled.increment()
        handling.recordNanoseconds(duration.nanoseconds)
    }

    /// An update failed.
    func failedUpdate() { failed.increment() }

    /// The platform accepted a message.
    func messageSent() { sent.increment() }

    /// A message was dead-lettered.
    func deadLettered() { dead.increment() }

    /// The platform answered 429.
    func rateLimitedCall() { limited.increment() }
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
