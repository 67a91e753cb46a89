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

    @Flag(help: "Fail when any update goes unanswered, not only when one is answered twice (the smoke run sets it).")
    var strict = false

    func jsonPath(_ scenario: String) -> String { json ?? ".build/benchmarks/\(scenario).json" }

    /// Throws when a reply was repeated (the host promises once), or, with `--strict`, when an
    /// update went unanswered. An overloaded host may leave updates unanswered within the drain
    /// window of a real measurement; a repeated reply is a bug at any load.
    func check(_ scenario: String, lost: Int, duplicated: Int) throws {
        if duplicated > 0 { throw BenchError("\(scenario): \(duplicated) replies were sent twice") }
        if strict, lost > 0 { throw BenchError("\(scenario): \(lost) updates were never answered") }
    }
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
    @Option(help: "Seconds measured, after the warm-up.") var seconds = 20
    @Option(help: "Seconds of warm-up, not measured.") var warmup = 3

    func run() async throws {
        let ledger = ReplyLedger()
        let (fake, host, list, _) = try await startHost(common, count: bots, ledger: ledger)
        let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: users, ledger: ledger)
        _ = await LoadFigures.measure(host: host, generator: generator, rate: rate, duration: .seconds(warmup))
        let figures = await LoadFigures.measure(host: host, generator: generator, rate: rate, duration: .seconds(seconds))
        try await host.stop()
        await fake.stop()
        try Report(
            scenario: "latency", parameters: ["bots": "\(bots)", "users": "\(users)", "rate": "\(rate)", "seconds": "\(seconds)", "warmup": "\(warmup)"],
            rows: [figures.row("steady")]
        ).publish(to: common.jsonPath("latency"))
        let summary = ledger.summary
        try common.check("latency", lost: summary.lost, duplicated: summary.duplicates)
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
        try await host.stop()
        await fake.stop()
        try Report(
            scenario: "saturation",
            parameters: ["bots": "\(bots)", "users": "\(users)", "seconds_per_step": "\(seconds)", "best_achieved_per_second": String(format: "%.0f", best)],
            rows: rows
        ).publish(to: common.jsonPath("saturation"))
        let summary = ledger.summary
        try common.check("saturation", lost: summary.lost, duplicated: summary.duplicates)
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
        try await host.stop()
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
        try await host.stop()
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
        let summary = ledger.summary
        try common.check("startup", lost: summary.lost, duplicated: summary.duplicates)
    }
}

struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "SIGHUP with 1,000 bots under traffic: one manifest added, one changed; time until the new bot answers.")

    @OptionGroup var common: CommonOptions
    @Option var bots = 1000
    @Option(help: "Updates per second offered to the running bots throughout.") var rate = 200.0
    @Option(help: "Seconds of traffic; the SIGHUP comes a third of the way in.") var seconds = 12

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
        let traffic = Task { await generator.offer(rate: rate, for: .seconds(seconds)) }
        try await Task.sleep(for: .seconds(Double(seconds) / 3))
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
        try await host.stop()
        await fake.stop()
        try Report(
            scenario: "reload", parameters: ["bots": "\(bots)", "rate": "\(rate)", "seconds": "\(seconds)"],
            rows: [
                Report.Row(label: "1 added, 1 changed", figures: [
                    ("new bot answers after ms", answeredAfter.map { String(format: "%.0f", $0.milliseconds) } ?? "never"),
                    ("others: injected", "\(summary.injected)"),
                    ("others: lost", "\(summary.lost)"),
                    ("others: duplicated", "\(summary.duplicates)"),
                ])
            ]
        ).publish(to: common.jsonPath("reload"))
        if answeredAfter == nil { throw BenchError("reload: the added bot never answered") }
        try common.check("reload", lost: summary.lost, duplicated: summary.duplicates)
        try common.check("reload (added bot)", lost: 0, duplicated: probes.summary.duplicates)
    }
}

struct Smoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every scenario once at tiny N, so none can rot (CI runs it). Fails on a lost or repeated reply, or a host that exits non-zero.")

    @Option(help: "The aviary binary to run.")
    var aviary = ".build/release/aviary"

    @Option(help: "The folder for each scenario's JSON.")
    var json = ".build/benchmarks/smoke"

    func run() async throws {
        let runs: [(String, any AsyncParsableCommand.Type, [String])] = [
            ("latency", Latency.self, ["--bots", "3", "--users", "2", "--rate", "50", "--seconds", "2", "--warmup", "1"]),
            ("saturation", Saturation.self, ["--bots", "2", "--users", "3", "--start", "25", "--seconds", "1", "--steps", "2"]),
            ("idle-polling", IdleMemory.self, ["--bots", "3", "--settle", "1"]),
            ("idle-webhook", IdleMemory.self, ["--bots", "3", "--settle", "1", "--webhook"]),
            ("reload", Reload.self, ["--bots", "3", "--rate", "30", "--seconds", "3"]),
            ("startup", Startup.self, ["--bots", "3"]),
        ]
        for (name, scenario, arguments) in runs {
            print("smoke: \(name)")
            let common = ["--aviary", aviary, "--json", "\(json)/\(name).json", "--strict"]
            guard var command = try scenario.parseAsRoot(arguments + common) as? any AsyncParsableCommand else {
                throw BenchError("smoke: \(name) is not an async command")
            }
            try await command.run()
        }
    }
}
