import CoreMetrics
import Synchronization

/// A histogram of durations over fixed upper bounds, in seconds: each observation is counted
/// once, in the first bucket that holds it; the cumulative counts Prometheus wants are summed at
/// scrape time.
final class HistogramSeries: MetricSeries, TimerHandler {
    static let type = MetricType.histogram
    let labels: [(String, String)]
    /// Upper bounds, ascending; shared by every series of the family.
    let bounds: [Duration]
    private let state: Mutex<State>

    /// Counts per bucket (the last one past every bound), their sum, and how many.
    struct State {
        var counts: [Int]
        var sum: Duration = .zero
        var count = 0
    }

    init(labels: [(String, String)], bounds: [Duration]) {
        self.labels = labels
        self.bounds = bounds
        state = Mutex(State(counts: Array(repeating: 0, count: bounds.count + 1)))
    }

    /// Counts one observation of `value`.
    func record(_ value: Duration) {
        let bucket = bounds.firstIndex { value <= $0 } ?? bounds.count
        state.withLock { state in
            state.counts[bucket] += 1
            state.sum += value
            state.count += 1
        }
    }

    func recordNanoseconds(_ duration: Int64) {
        record(.nanoseconds(duration))
    }

    /// The observations so far: counts per bucket, sum and count.
    var snapshot: State { state.withLock { $0 } }

    func emit(name: String, into buffer: inout [UInt8]) {
        let state = snapshot
        var cumulative = 0
        for (bound, count) in zip(bounds, state.counts) {
            cumulative += count
            buffer.appendSample(name, suffix: "_bucket", labels: labels, extra: ("le", bound.prometheusSeconds), value: "\(cumulative)")
        }
        buffer.appendSample(name, suffix: "_bucket", labels: labels, extra: ("le", "+Inf"), value: "\(state.count)")
        buffer.appendSample(name, suffix: "_sum", labels: labels, value: state.sum.prometheusSeconds)
        buffer.appendSample(name, suffix: "_count", labels: labels, value: "\(state.count)")
    }
}
