public import CoreMetrics

/// Records how long each platform API call of one bot took, by method
/// (``TenantMetricName/apiCall``).
public struct APICallMetrics: Sendable {
    private let botID: String
    private let factory: any MetricsFactory

    /// Records for bot `botID` through `factory`.
    public init(botID: String, factory: any MetricsFactory) {
        self.botID = botID
        self.factory = factory
    }

    /// Records nothing.
    public static var none: APICallMetrics { APICallMetrics(botID: "", factory: NOOPMetricsHandler.instance) }

    /// Records one call of `method` that took `duration`, answered or not.
    func record(method: String, duration: Duration) {
        Timer(label: TenantMetricName.apiCall, dimensions: [("bot", botID), ("method", method)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }
}
