import CoreMetrics

/// The names of the companion's metrics, each with a `bot` dimension like the host's own.
public enum CompanionMetricName {
    /// Counter: model calls that gave no answer, by `reason` (`no_key`, `timeout`,
    /// `rate_limited`, `server_error`, `refused`, `transport`, `bad_answer`).
    public static let modelErrors = "aviary_companion_model_errors_total"
    /// Counter: messages not sent to the model because the person was over `rate_limit`.
    public static let rateLimited = "aviary_companion_rate_limited_total"
}

/// One bot's companion counters.
///
/// A counter is made when it first counts, not when the plugin is created: plugins are also
/// created to validate manifests (`aviary check`, reloads, the management API), and those bots
/// must not appear in `/metrics`. Making it again later returns the same counter.
struct CompanionMetrics: Sendable {
    let botID: String
    let factory: any MetricsFactory

    /// A model call failed.
    func failed(_ reason: ModelFailure.Reason) {
        Counter(
            label: CompanionMetricName.modelErrors, dimensions: [("bot", botID), ("reason", reason.rawValue)],
            factory: factory
        ).increment()
    }

    /// A message was over the person's rate limit.
    func rateLimited() {
        Counter(label: CompanionMetricName.rateLimited, dimensions: [("bot", botID)], factory: factory).increment()
    }
}
