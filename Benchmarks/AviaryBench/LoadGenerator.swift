import FakeBotAPI
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Offers text messages to the bots at a steady rate through the fake Bot API, spread over
/// the bots and their users in turn, recording each in the ledger before it is visible.
final class LoadGenerator: Sendable {
    let fake: FakeBotAPI
    let bots: [BenchBot]
    let usersPerBot: Int
    let ledger: ReplyLedger
    private let next = Mutex(0)

    init(fake: FakeBotAPI, bots: [BenchBot], usersPerBot: Int, ledger: ReplyLedger) {
        self.fake = fake
        self.bots = bots
        self.usersPerBot = usersPerBot
        self.ledger = ledger
    }

    /// Injects one update for `bot` (or the next bot in turn); returns its sequence number.
    @discardableResult
    func inject(to bot: BenchBot? = nil) -> Int {
        let sequence = next.withLock { value -> Int in
            defer { value += 1 }
            return value
        }
        let target = bot ?? bots[sequence % bots.count]
        let user = Int64(1 + (sequence / bots.count) % usersPerBot)
        ledger.injected(sequence)
        fake.sendText(token: target.token, chatID: user, from: FakeUser(id: user, firstName: "U\(user)"), text: ReplyLedger.text(sequence))
        return sequence
    }

    /// Offers `rate` updates per second for `duration` (open loop: the pace does not wait for
    /// replies); returns how many were injected.
    func offer(rate: Double, for duration: Duration, to subset: [BenchBot]? = nil) async -> Int {
        let start = ContinuousClock.now
        var injected = 0
        while true {
            let elapsed = ContinuousClock.now - start
            if elapsed >= duration { break }
            let due = Int(rate * elapsed.seconds)
            while injected < due {
                if let subset { inject(to: subset[injected % subset.count]) } else { inject() }
                injected += 1
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return injected
    }
}

/// The figures of one load run.
struct LoadFigures: Encodable {
    var offeredPerSecond: Double
    var achievedPerSecond: Double
    var latencyP50Ms: Double
    var latencyP95Ms: Double
    var latencyP99Ms: Double
    var latencyMaxMs: Double
    var hostCPUSecondsPer1000: Double
    var benchCPUSecondsPer1000: Double
    var peakRSSMB: Double
    var injected: Int
    var answered: Int
    var lost: Int
    var duplicated: Int

    /// Runs `rate` updates/s for `duration` against `host`, then waits up to `drain` for the
    /// last replies, and reads the figures.
    static func measure(
        host: any BotProcess, generator: LoadGenerator, rate: Double, duration: Duration, drain: Duration = .seconds(15)
    ) async -> LoadFigures {
        let ledger = generator.ledger
        let before = ledger.summary
        let hostCPU = host.cpuSeconds()
        let benchCPU = processCPUSeconds()
        let start = ContinuousClock.now
        let injected = await generator.offer(rate: rate, for: duration)
        let offeredFor = ContinuousClock.now - start
        await ledger.drain(timeout: drain)
        let after = ledger.summary
        let hostUsed = host.cpuSeconds() - hostCPU
        let benchUsed = processCPUSeconds() - benchCPU
        let latencies = after.latencies.dropFirst(before.latencies.count).sorted()
        let answered = after.answered - before.answered
        let busy = ((after.lastReply ?? ContinuousClock.now) - start).seconds
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        return LoadFigures(
            offeredPerSecond: Double(injected) / offeredFor.seconds,
            achievedPerSecond: Double(answered) / max(busy, offeredFor.seconds),
            latencyP50Ms: percentile(0.50), latencyP95Ms: percentile(0.95), latencyP99Ms: percentile(0.99),
            latencyMaxMs: latencies.last ?? 0,
            hostCPUSecondsPer1000: injected == 0 ? 0 : hostUsed / Double(injected) * 1000,
            benchCPUSecondsPer1000: injected == 0 ? 0 : benchUsed / Double(injected) * 1000,
            peakRSSMB: Double(host.memory().peak) / 1_048_576,
            injected: injected, answered: answered, lost: after.lost - before.lost,
            duplicated: after.duplicates - before.duplicates)
    }
}

/// CPU time this process (the fake and the load generator) used so far, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
