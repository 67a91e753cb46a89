import CoreMetrics

/// The names of the companion's metrics, each with a `bot` dimension like the host's own.
public enum CompanionMetricName {
    /// Counter: model calls that gave no answer, by `reason` (`no_key`, `timeout`,
    /// `rate_limited`, `server_error`, `refused`, `transport`, `bad_answer`).
    public static let modelErrors = "aviary_companion_model_errors_total"
    /// Counter: messages not sent to the model because the person was over `rate_limit`.
    public static let rateLimited = "aviary_companion_rate_limited_total"
}

/// One bot's companion counters, each made once.
struct CompanionMetrics: Sendable {
    private let errors: [ModelFailure.Reason: Counter]
    private let limited: Counter

    /// Counters for bot `botID`, made by `factory`.
    init(botID: String, factory: any MetricsFactory) {
        var errors: [ModelFailure.Reason: Counter] = [:]
        for reason in ModelFailure.Reason.allCases {
            errors[reason] = Counter(
                label: CompanionMetricName.modelErrors, dimensions: [("bot", botID), ("reason", reason.rawValue)],
                factory: factory)
        }
        self.errors = errors
        limited = Counter(label: CompanionMetricName.rateLimited, dimensions: [("bot", botID)], factory: factory)
    }

    /// A model call failed.
    func failed(_ reason: ModelFailure.Reason) {
        errors[reason]?.increment()
    }

    /// A message was over the person's rate limit.
    func rateLimited() {
        limited.increment()
    }
}
