import Foundation

/// Two kinds of load measured on one host in alternating windows (A B B A A B…), so that what
/// the rest of the machine does shifts both alike and cancels in their difference: the remote
/// scenario's built-in echo against its remote echo.
struct InterleavedWindows {
    /// One window of load on one kind of bot.
    struct Window {
        var injected = 0
        var answered = 0
        var lost = 0
        var duplicated = 0
        var hostCPUSeconds = 0.0
        var benchCPUSeconds = 0.0
        var seconds = 0.0
        var latencies: [Double] = []

        /// Both windows' figures together.
        mutating func add(_ other: Window) {
            injected += other.injected
            answered += other.answered
            lost += other.lost
            duplicated += other.duplicated
            hostCPUSeconds += other.hostCPUSeconds
            benchCPUSeconds += other.benchCPUSeconds
            seconds += other.seconds
            latencies += other.latencies
        }

        /// Host CPU per update, in milliseconds.
        var hostCPUMsPerUpdate: Double { injected == 0 ? 0 : hostCPUSeconds / Double(injected) * 1000 }

        /// The latency below which the fraction `p` of the window's replies came, in milliseconds.
        func latency(_ p: Double) -> Double {
            let sorted = latencies.sorted()
            return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }

        /// The pooled figures, as the other scenarios report theirs.
        func figures(rate: Double, peakRSSMB: Double) -> LoadFigures {
            let percentile = latency
            let sorted = latencies.sorted()
            return LoadFigures(
                offeredPerSecond: rate, achievedPerSecond: seconds == 0 ? 0 : Double(answered) / seconds,
                latencyP50Ms: percentile(0.50), latencyP95Ms: percentile(0.95), latencyP99Ms: percentile(0.99),
                latencyMaxMs: sorted.last ?? 0, hostCPUSecondsPer1000: hostCPUMsPerUpdate,
                benchCPUSecondsPer1000: injected == 0 ? 0 : benchCPUSeconds / Double(injected) * 1000,
                peakRSSMB: peakRSSMB, injected: injected, answered: answered, lost: lost, duplicated: duplicated)
        }
    }

    /// The windows of the first kind (A) and of the second (B), pair by pair.
    private(set) var pairs: [(first: Window, second: Window)] = []

    /// Measures `pairs` pairs of windows of `duration` each, in the order A B, B A, A B…;
    /// `measure(true)` is a window of A, `measure(false)` one of B.
    static func run(pairs count: Int, measure: (Bool) async -> Window) async -> InterleavedWindows {
        var windows = InterleavedWindows()
        for index in 0..<count {
            if index.isMultiple(of: 2) {
                let first = await measure(true)
                let second = await measure(false)
                windows.pairs.append((first, second))
            } else {
                let second = await measure(false)
                let first = await measure(true)
                windows.pairs.append((first, second))
            }
        }
        return windows
    }

    /// Every window of A together, and every window of B.
    var pooled: (first: Window, second: Window) {
        pairs.reduce(into: (first: Window(), second: Window())) { total, pair in
            total.first.add(pair.first)
            total.second.add(pair.second)
        }
    }

    /// B's host CPU per update minus A's, in milliseconds, pair by pair, sorted.
    var cpuDifferences: [Double] {
        pairs.map { $0.second.hostCPUMsPerUpdate - $0.first.hostCPUMsPerUpdate }.sorted()
    }

    /// B's latency at `p` minus A's, in milliseconds, pair by pair, sorted.
    func latencyDifferences(_ p: Double) -> [Double] {
        pairs.map { $0.second.latency(p) - $0.first.latency(p) }.sorted()
    }
}

extension LoadGenerator {
    /// Offers `rate` updates per second to `bots` for `duration`, waits up to `drain` for their
    /// replies, and returns the window's figures.
    func window(
        of bots: [BenchBot], host: any BotProcess, rate: Double, duration: Duration, drain: Duration = .seconds(15)
    ) async -> InterleavedWindows.Window {
        let before = ledger.summary
        let (hostCPU, benchCPU) = (host.cpuSeconds(), processCPUSeconds())
        let start = ContinuousClock.now
        let injected = await offer(rate: rate, for: duration, to: bots)
        await ledger.drain(timeout: drain)
        let after = ledger.summary
        return InterleavedWindows.Window(
            injected: injected, answered: after.answered - before.answered, lost: after.lost - before.lost,
            duplicated: after.duplicates - before.duplicates, hostCPUSeconds: host.cpuSeconds() - hostCPU,
            benchCPUSeconds: processCPUSeconds() - benchCPU, seconds: (ContinuousClock.now - start).seconds,
            latencies: Array(after.latencies.dropFirst(before.latencies.count)))
    }
}
