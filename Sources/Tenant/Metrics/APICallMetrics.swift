public import CoreMetrics

/// Records how long each platform API call of one bot took, by method
/// (``TenantMetricName/apiCall``).
public struct APICallMetrics: Sendable {
    private let timers: MetricHandles<Timer>

    /// Records for bot `botID` through `factory`.
    public init(botID: String, factory: any MetricsFactory) {
        timers = MetricHandles { method in
            Timer(label: TenantMetricName.apiCall, dimensions: [("bot", botID), ("method", method)], factory: factory)
        }
    }

    /// Records nothing.
    public static var none: APICallMetrics { APICallMetrics(botID: "", factory: NOOPMetricsHandler.instance) }

    /// Records one call of `method` that took `duration`, answered or not.
    func record(method: String, duration: Duration) {
        timers[method].recordNanoseconds(duration.nanoseconds)
    }
}
