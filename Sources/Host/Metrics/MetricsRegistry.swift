import Synchronization

/// The host's metric series, exposed at `GET /metrics` in the Prometheus text format.
///
/// Each metric name has one ``MetricFamily`` (a class), made at its first series; the registry's
/// own table holds only those few families. Adding the n-th series of a family costs the same
/// as adding the first, so ten thousand bots, each with its series, start in linear time.
final class MetricsRegistry: Sendable {
    private let families = Mutex<[String: any ExposedFamily]>([:])

    init() {}

    /// The counter `name` with `labels`, made with help text `help` if new.
    func counter(_ name: String, help: String, labels: [(String, String)] = []) -> CounterSeries {
        family(name, help: help, of: CounterSeries.self).series(labels: labels) { CounterSeries(labels: labels) }
    }

    /// The gauge `name` with `labels`, made with help text `help` if new.
    func gauge(_ name: String, help: String, labels: [(String, String)] = []) -> GaugeSeries {
        family(name, help: help, of: GaugeSeries.self).series(labels: labels) { GaugeSeries(labels: labels) }
    }

    /// The histogram `name` with `labels`, made with help text `help` and upper bounds `buckets`
    /// (ascending) if new.
    func histogram(
        _ name: String, help: String, labels: [(String, String)] = [], buckets: [Duration]
    ) -> HistogramSeries {
        family(name, help: help, of: HistogramSeries.self).series(labels: labels) {
            HistogramSeries(labels: labels, bounds: buckets)
        }
    }

    /// Drops `series` from its family; nothing when it is not there. (A series does not keep
    /// its name: this looks through the few families of its type.)
    func remove<Series: MetricSeries>(_ series: Series) {
        for case let family as MetricFamily<Series> in families.withLock({ Array($0.values) }) {
            family.remove(series)
        }
    }

    /// Drops every series of bot `bot`, in every family: what a removed bot leaves.
    func removeSeries(bot: String) {
        for family in families.withLock({ Array($0.values) }) { family.removeSeries(bot: bot) }
    }

    /// Appends every family with at least one series, by name, in the text format.
    func emit(into buffer: inout [UInt8]) {
        let sorted = families.withLock { $0.sorted { $0.key < $1.key } }
        for (_, family) in sorted { family.emit(into: &buffer) }
    }

    /// Every family in the text format.
    var bytes: [UInt8] {
        var buffer: [UInt8] = []
        emit(into: &buffer)
        return buffer
    }

    /// The family `name` of series `Series`, made if new.
    ///
    /// - Precondition: `name` is not already the name of a family of another type.
    private func family<Series: MetricSeries>(
        _ name: String, help: String, of: Series.Type
    ) -> MetricFamily<Series> {
        families.withLock { families in
            if let existing = families[name] {
                guard let family = existing as? MetricFamily<Series> else {
                    preconditionFailure("metric \(name) is already a family of another type, not a \(Series.type)")
                }
                return family
            }
            let family = MetricFamily<Series>(name: name, help: help)
            families[name] = family
            return family
        }
    }
}
