import CoreMetrics
import Tenant

/// A swift-metrics factory over the host's ``MetricsRegistry`` that gives every metric its help
/// text from ``MetricCatalog`` (so `promtool check metrics` finds nothing to lint) and its
/// histogram buckets.
struct DocumentedPrometheusFactory: MetricsFactory {
    let registry: MetricsRegistry

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.counter(label, help: MetricCatalog.helpText(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.counter(label, help: MetricCatalog.helpText(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        registry.gauge(label, help: MetricCatalog.helpText(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.gauge(label, help: MetricCatalog.helpText(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let buckets = MetricCatalog.buckets[label] ?? MetricCatalog.buckets[TenantMetricName.updateHandling]!
        return registry.histogram(label, help: MetricCatalog.helpText(label), labels: dimensions, buckets: buckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        destroy(handler)
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        destroy(handler)
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        destroy(handler)
    }

    func destroyMeter(_ handler: any MeterHandler) {
        destroy(handler)
    }

    func destroyTimer(_ handler: any TimerHandler) {
        destroy(handler)
    }

    /// Drops `handler`'s series, when the registry made it.
    private func destroy(_ handler: any Sendable) {
        switch handler {
        case let counter as CounterSeries: registry.remove(counter)
        case let gauge as GaugeSeries: registry.remove(gauge)
        case let histogram as HistogramSeries: registry.remove(histogram)
        default: return
        }
    }
}
