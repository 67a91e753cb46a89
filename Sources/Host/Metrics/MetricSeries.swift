import CoreMetrics
import Synchronization

/// One time series of a ``MetricFamily``: its label set and its value, written by many tasks at
/// once and read at scrape time.
protocol MetricSeries: AnyObject, Sendable {
    /// The Prometheus type of every series of this kind.
    static var type: MetricType { get }
    /// The label pairs, in the order given when the series was made.
    var labels: [(String, String)] { get }
    /// Appends the series' sample lines for family `name`.
    func emit(name: String, into buffer: inout [UInt8])
}

extension MetricSeries {
    /// Whether the series has exactly `other`'s label pairs, in any order.
    func hasLabels(_ other: [(String, String)]) -> Bool {
        labels.count == other.count && other.allSatisfy { pair in labels.contains { $0 == pair } }
    }

    /// The value of the series' `bot` label, `""` when it has none.
    var bot: String { Self.bot(of: labels) }

    /// The value of the `bot` label among `labels`, `""` when there is none.
    static func bot(of labels: [(String, String)]) -> String {
        labels.first { $0.0 == "bot" }?.1 ?? ""
    }
}

/// A counter: whole increments and fractional ones, kept apart so that whole counts stay exact.
final class CounterSeries: MetricSeries, CounterHandler, FloatingPointCounterHandler {
    static let type = MetricType.counter
    let labels: [(String, String)]
    private let whole = Atomic<Int64>(0)
    private let fraction = Atomic<UInt64>(Double.zero.bitPattern)

    init(labels: [(String, String)]) {
        self.labels = labels
    }

    func increment(by amount: Int64) {
        whole.wrappingAdd(max(amount, 0), ordering: .relaxed)
    }

    func increment(by amount: Double) {
        guard amount > 0 else { return }
        fraction.add(amount)
    }

    func reset() {
        whole.store(0, ordering: .relaxed)
        fraction.store(Double.zero.bitPattern, ordering: .relaxed)
    }

    func emit(name: String, into buffer: inout [UInt8]) {
        let (count, extra) = (whole.load(ordering: .relaxed), Double(bitPattern: fraction.load(ordering: .relaxed)))
        buffer.appendSample(name, labels: labels, value: extra == 0 ? "\(count)" : "\(Double(count) + extra)")
    }
}

/// A gauge: a value set, raised or lowered.
final class GaugeSeries: MetricSeries, RecorderHandler, MeterHandler {
    static let type = MetricType.gauge
    let labels: [(String, String)]
    private let bits = Atomic<UInt64>(Double.zero.bitPattern)

    init(labels: [(String, String)]) {
        self.labels = labels
    }

    /// The current value.
    var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }

    func set(_ value: Double) { bits.store(value.bitPattern, ordering: .relaxed) }
    func set(_ value: Int64) { set(Double(value)) }
    func record(_ value: Int64) { set(Double(value)) }
    func record(_ value: Double) { set(value) }
    func increment(by amount: Double) { bits.add(amount) }
    func decrement(by amount: Double) { bits.add(-amount) }

    func emit(name: String, into buffer: inout [UInt8]) {
        buffer.appendSample(name, labels: labels, value: "\(value)")
    }
}

extension Atomic where Value == UInt64 {
    /// Adds `amount` to the `Double` whose bit pattern this holds, retrying if another task
    /// changed it meanwhile.
    func add(_ amount: Double) {
        var old = load(ordering: .relaxed)
        while true {
            let (exchanged, found) = compareExchange(
                expected: old, desired: (Double(bitPattern: old) + amount).bitPattern, ordering: .relaxed)
            if exchanged { return }
            old = found
        }
    }
}
