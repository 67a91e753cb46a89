import Synchronization

/// The series of one metric name, grouped by their `bot` label: adding a series, finding one
/// and removing one cost a dictionary lookup and a scan of that bot's few series, however many
/// bots there are, and a bot's series go at once.
///
/// The family is a class held by the registry, so a new series changes this family's storage
/// in place: nothing copies the other bots' series to add one.
final class MetricFamily<Series: MetricSeries>: Sendable {
    let name: String
    let help: String
    private let series = Mutex<[String: [Series]]>([:])

    init(name: String, help: String) {
        self.name = name
        self.help = help
    }

    /// The series with `labels` (in any order), made by `make` if there is none yet.
    func series(labels: [(String, String)], make: () -> Series) -> Series {
        let bot = Series.bot(of: labels)
        return series.withLock { series in
            if let found = series[bot]?.first(where: { $0.hasLabels(labels) }) { return found }
            let made = make()
            series[bot, default: []].append(made)
            return made
        }
    }

    /// Drops `removed`; a handle to it made earlier still counts, unseen.
    func remove(_ removed: Series) {
        let bot = removed.bot
        series.withLock { series in
            guard var kept = series[bot] else { return }
            kept.removeAll { $0 === removed }
            series[bot] = kept.isEmpty ? nil : kept
        }
    }

    /// Drops every series whose `bot` label is `bot`.
    func removeSeries(bot: String) {
        _ = series.withLock { $0.removeValue(forKey: bot) }
    }
}

/// What the registry needs of a family of any kind.
protocol ExposedFamily: Sendable {
    /// Appends the family's `# HELP` and `# TYPE` lines and every series' samples; nothing
    /// when it holds no series.
    func emit(into buffer: inout [UInt8])
    /// Drops every series whose `bot` label is `bot`.
    func removeSeries(bot: String)
}

extension MetricFamily: ExposedFamily {
    func emit(into buffer: inout [UInt8]) {
        // The storage is copied out (without copying its contents): scrapes never hold the lock
        // while they render, and recording waits at most for this copy.
        let snapshot = series.withLock { $0 }
        guard !snapshot.isEmpty else { return }
        buffer.appendHeader(name: name, help: help, type: Series.type)
        for group in snapshot.values {
            for one in group { one.emit(name: name, into: &buffer) }
        }
    }
}
