import CoreMetrics

/// The names of the remote plugins' metrics, each with `bot` and `plugin` dimensions.
public enum RemoteMetricName {
    /// Counter: calls made to a remote plugin, answered or not.
    public static let calls = "aviary_remote_plugin_calls_total"
    /// Timer: seconds one call took, answered or not.
    public static let latency = "aviary_remote_plugin_call_seconds"
    /// Counter: failed calls by `kind` (`timeout`, `refused`, `server_error`, `client_error`,
    /// `bad_answer`, `circuit_open`).
    public static let failures = "aviary_remote_plugin_failures_total"
    /// Gauge: 1 while the plugin's circuit breaker is open, else 0.
    public static let breakerOpen = "aviary_remote_plugin_breaker_open"
}

/// One remote plugin's metrics; made when they first count, so a plugin created only to
/// validate a manifest appears nowhere.
struct RemoteMetrics: Sendable {
    let dimensions: [(String, String)]
    let factory: any MetricsFactory

    init(botID: String, plugin: String, factory: any MetricsFactory) {
        self.dimensions = [("bot", botID), ("plugin", plugin)]
        self.factory = factory
    }

    /// A call ended after `duration`, failed with `failure` if it did.
    func called(after duration: Duration, failure: RemoteCallFailure.Kind?) {
        Counter(label: RemoteMetricName.calls, dimensions: dimensions, factory: factory).increment()
        Timer(label: RemoteMetricName.latency, dimensions: dimensions, factory: factory)
            .recordNanoseconds(duration.nanoseconds)
        if let failure { failed(failure) }
    }

    /// A call failed without going out, or after.
    func failed(_ kind: RemoteCallFailure.Kind) {
        Counter(label: RemoteMetricName.failures, dimensions: dimensions + [("kind", kind.rawValue)], factory: factory)
            .increment()
    }

    /// The breaker opened or closed.
    func breaker(open: Bool) {
        Gauge(label: RemoteMetricName.breakerOpen, dimensions: dimensions, factory: factory).record(open ? 1 : 0)
    }
}
