import CoreMetrics
import Synchronization
import Testing
@testable import Tenant

/// A bot's metric series are made at its first counted event, all together: an idle bot holds
/// none, a bot that counted anything shows every series, zeros included.
@Suite("Tenant metrics: made at first use")
struct TenantMetricsTests {
    @Test("nothing is made for an idle bot; the first event makes every series once, whichever event it is")
    func madeTogetherAtFirstUse() {
        let events: [(String, (TenantMetrics) -> Void)] = [
            ("sent", { $0.messageSent() }), ("failed", { $0.failedUpdate() }),
            ("dead letter", { $0.deadLettered() }), ("429", { $0.rateLimitedCall() }),
            ("handled", { $0.handled(after: .milliseconds(3)) }), ("received", { $0.received(kinds: ["message"]) }),
        ]
        let series = [
            TenantMetricName.updatesHandled, TenantMetricName.updatesFailed, TenantMetricName.messagesSent,
            TenantMetricName.deadLetters, TenantMetricName.rateLimited, TenantMetricName.updateHandling,
        ]
        for (name, event) in events {
            let factory = MadeMetrics()
            let metrics = TenantMetrics(botID: "idle", factory: factory)
            #expect(factory.made.isEmpty, "an idle bot made \(factory.made)")
            event(metrics)
            event(metrics)
            #expect(Set(factory.made.filter { $0 != TenantMetricName.updatesReceived }) == Set(series), "after \(name)")
            #expect(factory.made.count == series.count + (name == "received" ? 1 : 0), "made twice after \(name)")
        }
    }
}

/// Remembers the label of every handler it makes.
private final class MadeMetrics: MetricsFactory {
    private let labels = Mutex<[String]>([])

    var made: [String] { labels.withLock { $0 } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        labels.withLock { $0.append(label) }
        return NOOPMetricsHandler.instance
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        labels.withLock { $0.append(label) }
        return NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        labels.withLock { $0.append(label) }
        return NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
