import ArgumentParser
import FakeBotAPI
import Foundation
import Logging

/// Load, memory, reload and start-up benchmarks of the real `aviary` binary against a fast
/// fake Bot API on loopback. Each scenario prints a table and writes JSON; see BENCHMARKS.md.
@main
struct AviaryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aviary-bench",
        abstract: "Benchmarks the aviary binary: throughput, latency, memory per bot, reload and start-up.",
        subcommands: [Latency.self, Saturation.self, IdleMemory.self, Reload.self, Startup.self, Smoke.self])
}

/// What every scenario takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "The aviary binary to measure.")
    var aviary = ".build/release/aviary"

    @Option(help: "Where to write the JSON result (default: .build/benchmarks/<scenario>.json).")
    var json: String?

    func jsonPath(_ scenario: String) -> String { json ?? ".build/benchmarks/\(scenario).json" }
}

/// A fake Bot API that keeps no history, with every sent message reported to `ledger`.
func startFake(ledger: ReplyLedger) async throws -> FakeBotAPI {
    var logger = Logger(label: "bench-fake")
    logger.logLevel = .error
    let fake = FakeBotAPI(logger: logger, records: false)
    fake.observeSentMessages { _, message in ledger.replied(message.text) }
    try await fake.start()
    return fake
}

/// Starts `count` echo bots (polling unless `webhook`) and waits until the host is ready.
func startHost(
    _ options: CommonOptions, count: Int, ledger: ReplyLedger, webhook: Bool = false
) async throws -> (FakeBotAPI, HostUnderTest, [BenchBot], Duration) {
    let fake = try await startFake(ledger: ledger)
    let bots = (0..<count).map(BenchBot.init(index:))
    let host = try HostUnderTest(aviary: options.aviary, fake: fake, bots: bots, webhook: webhook)
    try host.launch()
    let ready = try await host.waitUntilReady()
    return (fake, host, bots, ready)
}

struct Latency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Latency at a fixed rate: 100 bots at 1,000 updates/s.")

    @OptionGroup var common: CommonOptions
    @Option var bots = 100
    @Option(help: "Users per bot.") var users = 10
    @Option(help: "Updates per second offered.") var rate = 1000.0
    @Option(help: "Seconds measured, after a 3 s warm-up.") var seconds = 20

    func run() async throws {
        let ledger = ReplyLedger()
        let (fake, host, list, _) = try await startHost(common, count: bots, ledger: ledger)
        let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: users, ledger: ledger)
        _ = await LoadFigures.measure(host: host, generator: generator, rate: rate, duration: .seconds(3))
        let figures = await LoadFigures.measure(host: host, generator: generator, rate: rate, duration: .seconds(seconds))
        await host.stop()
        await fake.stop()
        try Report(
            scenario: "latency", parameters: ["bots": "\(bots)", "users": "\(users)", "rate": "\(rate)", "seconds": "\(seconds)"],
            rows: [figures.row("steady")]
        ).publish(to: common.jsonPath("latency"))
    }
}

struct Saturation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Throughput: 10 bots × 100 users, the offered rate doubled each step until throughput stops growing.")

    @OptionGroup var common: CommonOptions
    @Option var bots = 10
    @Option(help: "Users per bot.") var users = 100
    @Option(help: "The first step's rate, updates per second.") var start = 500.0
    @Option(help: "Seconds per step.") var seconds = 10
    @Option(help: "The most steps.") var steps = 8

    func run() async throws {
        let ledger = ReplyLedger()
        let (fake, host, list, _) = try await startHost(common, count: bots, ledger: ledger)
        let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: users, ledger: ledger)
        var rows: [Report.Row] = []
        var rate = start
        var best = 0.0
        for _ in 0..<steps {
            let figures = await LoadFigures.measure(host: host, generator: generator, rate: rate, duration: .seconds(seconds))
            rows.append(figures.row("\(Int(rate))/s"))
            print(rows.last!.figures.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
            let growing = figures.achievedPerSecond > best * 1.05
            best = max(best, figures.achievedPerSecond)
            if !growing || figures.achievedPerSecond < 0.9 * figures.offeredPerSecond { break }
            rate *= 2
        }
        await host.stop()
        await fake.stop()
        try Report(
            scenario: "saturation",
            parameters: ["bots": "\(bots)", "users": "\(users)", "seconds_per_step": "\(seconds)", "best_achieved_per_second": String(format: "%.0f", best)],
            rows: rows
        ).publish(to: common.jsonPath("saturation"))
    }
}

struct IdleMemory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle", abstract: "Memory of idle bots: 1,000 long polling, or 10,000 in webhook mode.")

    @OptionGroup var common: CommonOptions
    @Option var bots = 1000
    @Flag(help: "Webhook mode instead of long polling.") var webhook = false
    @Option(help: "Seconds to settle after every bot is ready.") var settle = 10

    func run() async throws {
        let ledger = ReplyLedger()
        let launched = ContinuousClock.now
        let (fake, host, _, ready) = try await startHost(common, count: bots, ledger: ledger, webhook: webhook)
        let afterReady = host.memory()
        try await Task.sleep(for: .seconds(settle))
        let settled = host.memory()
        let cpu = host.cpuSeconds()
        await host.stop()
        await fake.stop()
        let mode = webhook ? "webhook" : "polling"
        try Report(
            scenario: "idle-\(mode)", parameters: ["bots": "\(bots)", "mode": mode, "settle_seconds": "\(settle)"],
            rows: [
                Report.Row(label: "\(bots) bots", figures: [
                    ("ready s", String(format: "%.2f", ready.seconds)),
                    ("launch to ready s", String(format: "%.2f", (launched.duration(to: .now) - .seconds(settle)).seconds)),
                    ("rss at ready MB", String(format: "%.1f", Double(afterReady.resident) / 1_048_576)),
                    ("rss settled MB", String(format: "%.1f", Double(settled.resident) / 1_048_576)),
                    ("peak rss MB", String(format: "%.1f", Double(settled.peak) / 1_048_576)),
                    ("kB per bot", String(format: "%.0f", Double(settled.resident) / 1024 / Double(bots))),
                    ("host cpu s", String(format: "%.2f", cpu)),
                ])
            ]
        ).publish(to: common.jsonPath("idle-\(mode)"))
    }
}

struct Startup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time from launch until 1,000 bots are ready (/readyz 200).")

    @OptionGroup var common: CommonOptions
    @Option var bots = 1000

    func run() async throws {
        let ledger = ReplyLedger()
        let (fake, host, list, ready) = try await startHost(common, count: bots, ledger: ledger)
        // Ready means started; answering is the proof.
        let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: 1, ledger: ledger)
        let probe = generator.inject(to: list.last!)
        let answered = await ledger.waitForReply(probe, timeout: .seconds(30))
        let cpu = host.cpuSeconds()
        let memory = host.memory()
        await host.stop()
        await fake.stop()
        try Report(
            scenario: "startup", parameters: ["bots": "\(bots)"],
            rows: [
                Report.Row(label: "\(bots) bots", figures: [
                    ("launch to ready s", String(format: "%.2f", ready.seconds)),
                    ("last bot answers", answered ? "yes" : "no"),
                    ("host cpu s", String(format: "%.2f", cpu)),
                    ("rss MB", String(format: "%.1f", Double(memory.resident) / 1_048_576)),
                ])
            ]
        ).publish(to: common.jsonPath("startup"))
        if !answered { throw BenchError("the last bot did not answer after start-up") }
    }
}

struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "SIGHUP with 1,000 bots under traffic: one manifest added, one changed; time until the new bot answers.")

    @OptionGroup var common: CommonOptions
    @Option var bots = 1000
    @Option(help: "Updates per second offered to the running bots throughout.") var rate = 200.0

    func run() async throws {
        let ledger = ReplyLedger()
        let (fake, host, list, _) = try await startHost(common, count: bots, ledger: ledger)
        let others = Array(list.dropFirst())
        let changed = list[0]
        let added = BenchBot(index: bots)
        let generator = LoadGenerator(fake: fake, bots: others, usersPerBot: 5, ledger: ledger)
        let probes = ReplyLedger()
        let probeGenerator = LoadGenerator(fake: fake, bots: [added], usersPerBot: 1, ledger: probes)
        fake.observeSentMessages { token, message in
            if token == added.token { probes.replied(message.text) } else { ledger.replied(message.text) }
        }
        let traffic = Task { await generator.offer(rate: rate, for: .seconds(12)) }
        try await Task.sleep(for: .seconds(4))
        try host.add(added, to: fake)
        try host.add(changed, to: fake, pollTimeout: 24)
        let signalled = ContinuousClock.now
        host.send(SIGHUP)
        var answeredAfter: Duration?
        while answeredAfter == nil, ContinuousClock.now - signalled < .seconds(30) {
            let probe = probeGenerator.inject()
            if await probes.waitForReply(probe, timeout: .milliseconds(10)) {
                answeredAfter = ContinuousClock.now - signalled
            }
        }
        _ = await traffic.value
        await ledger.drain(timeout: .seconds(15))
        let summary = ledger.summary
        await host.stop()
        await fake.stop()
        try Report(
            scenario: "reload", parameters: ["bots": "\(bots)", "rate": "\(rate)"],
            rows: [
                Report.Row(label: "1 added, 1 changed", figures: [
                    ("new bot answers after ms", answeredAfter.map { String(format: "%.0f", $0.milliseconds) } ?? "never"),
                    ("others: injected", "\(summary.injected)"),
                    ("others: lost", "\(summary.lost)"),
                    ("others: duplicated", "\(summary.duplicates)"),
                ])
            ]
        ).publish(to: common.jsonPath("reload"))
    }
}

struct Smoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A few seconds of every kind of measurement at small N, so the tool never rots (CI runs it).")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let ledger = ReplyLedger()
        let (fake, host, list, ready) = try await startHost(common, count: 3, ledger: ledger)
        let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: 3, ledger: ledger)
        let figures = await LoadFigures.measure(host: host, generator: generator, rate: 50, duration: .seconds(2))
        await host.stop()
        await fake.stop()
        try Report(
            scenario: "smoke", parameters: ["bots": "3", "rate": "50", "ready_seconds": String(format: "%.2f", ready.seconds)],
            rows: [figures.row("smoke")]
        ).publish(to: common.jsonPath("smoke"))
        guard figures.lost == 0, figures.answered == figures.injected, figures.injected > 0 else {
            throw BenchError("smoke: \(figures.injected) injected, \(figures.answered) answered, \(figures.lost) lost")
        }
    }
}
