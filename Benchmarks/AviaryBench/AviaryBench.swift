import ArgumentParser
import FakeBotAPI
import Foundation

/// Load, memory, reload and start-up benchmarks of the real `aviary` binary against a fast
/// fake Bot API on loopback, each followed by the same scenario served by the peer (N aiogram
/// bots in one Python process). Each scenario prints a table and writes JSON; see BENCHMARKS.md.
@main
struct AviaryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aviary-bench",
        abstract: "Benchmarks the aviary binary beside an aiogram peer: throughput, latency, memory per bot, reload and start-up.",
        subcommands: [
            Latency.self, Saturation.self, IdleMemory.self, Reload.self, Startup.self, Remote.self, Smoke.self,
        ])
}

/// Runs `measure` for each contender in turn (aviary, then the peer), publishes the report and
/// checks every run.
func compare(
    _ scenario: String, _ common: CommonOptions, parameters: [String: String],
    measure: (Contender) async throws -> ContenderRun
) async throws {
    var runs: [ContenderRun] = []
    for contender in common.contenders {
        print("\(scenario): \(contender.rawValue)")
        runs.append(try await measure(contender))
    }
    try Report(scenario: scenario, parameters: parameters.merging(common.reportParameters) { $1 }, runs: runs)
        .publish(to: common.host.jsonPath(scenario))
    try common.host.check(scenario, runs)
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
        let parameters = ["bots": "\(bots)", "users": "\(users)", "rate": "\(rate)", "seconds": "\(seconds)", "warmup": "\(warmup)"]
        try await compare("latency", common, parameters: parameters) { contender in
            let ledger = ReplyLedger()
            let (fake, host, list, _) = try await startBots(contender, common, count: bots, ledger: ledger)
            let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: users, ledger: ledger)
            _ = await LoadFigures.measure(host: host, generator: generator, rate: rate, duration: .seconds(warmup))
            let figures = await LoadFigures.measure(host: host, generator: generator, rate: rate, duration: .seconds(seconds))
            try await host.stop()
            await fake.stop()
            let summary = ledger.summary
            return ContenderRun(contender, row: figures.row("steady"), lost: summary.lost, duplicated: summary.duplicates)
        }
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
        let parameters = ["bots": "\(bots)", "users": "\(users)", "seconds_per_step": "\(seconds)"]
        try await compare("saturation", common, parameters: parameters) { contender in
            let ledger = ReplyLedger()
            let (fake, host, list, _) = try await startBots(contender, common, count: bots, ledger: ledger)
            let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: users, ledger: ledger)
            var rows: [Report.Row] = []
            var best: LoadFigures?
            var rate = start
            for _ in 0..<steps {
                let figures = await LoadFigures.measure(host: host, generator: generator, rate: rate, duration: .seconds(seconds))
                rows.append(figures.row("\(Int(rate))/s"))
                print(rows.last!.figures.map { "\($0.name)=\($0.value)" }.joined(separator: " "))
                let growing = figures.achievedPerSecond > (best?.achievedPerSecond ?? 0) * 1.05
                if figures.achievedPerSecond > best?.achievedPerSecond ?? -1 { best = figures }
                if !growing || figures.achievedPerSecond < 0.9 * figures.offeredPerSecond { break }
                rate *= 2
            }
            try await host.stop()
            await fake.stop()
            let summary = ledger.summary
            // Compared: the most it answered, and what that cost. Latency at saturation is
            // queueing, and the two contenders saturate at different steps, so it is left out.
            let headline = Report.Row(label: "best step", figures: [
                Figure("best achieved/s", String(format: "%.0f", best?.achievedPerSecond ?? 0), .higher),
                Figure("at offered/s", String(format: "%.0f", best?.offeredPerSecond ?? 0)),
                Figure("host cpu s/1k", String(format: "%.3f", best?.hostCPUSecondsPer1000 ?? 0), .lower),
                Figure("peak rss MB", String(format: "%.1f", best?.peakRSSMB ?? 0), .lower),
            ])
            return ContenderRun(
                contender, rows: rows, headline: headline, lost: summary.lost, duplicated: summary.duplicates)
        }
    }
}

struct IdleMemory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle", abstract: "Memory of idle bots: 1,000 long polling, or 10,000 in webhook mode.")

    @OptionGroup var common: CommonOptions
    @Option var bots = 1000
    @Flag(help: "Webhook mode instead of long polling.") var webhook = false
    @Option(help: "Seconds to settle after every bot is ready; longer than --idle-close, so that idle databases are closed.")
    var settle = 20
    @Option(help: "Seconds an unused bot database stays open (aviary's storage.idle_close_seconds; 30 by default in a host).")
    var idleClose = 5

    func validate() throws {
        guard (1...86_400).contains(idleClose) else { throw ValidationError("--idle-close must be 1 to 86400 seconds") }
    }

    func run() async throws {
        let mode = webhook ? "webhook" : "polling"
        let parameters = [
            "bots": "\(bots)", "mode": mode, "settle_seconds": "\(settle)", "idle_close_seconds": "\(idleClose)",
        ]
        let hostConfig = "storage:\n  idle_close_seconds: \(idleClose)\n"
        try await compare("idle-\(mode)", common, parameters: parameters) { contender in
            let ledger = ReplyLedger()
            let launched = ContinuousClock.now
            let (fake, host, _, ready) = try await startBots(
                contender, common, count: bots, ledger: ledger, webhook: webhook, hostConfig: hostConfig)
            let afterReady = host.memory()
            try await Task.sleep(for: .seconds(settle))
            let settled = host.memory()
            let cpu = host.cpuSeconds()
            try await host.stop()
            await fake.stop()
            return ContenderRun(contender, row: Report.Row(label: "\(bots) bots", figures: [
                Figure("ready s", String(format: "%.2f", ready.seconds), .lower),
                Figure("launch to ready s", String(format: "%.2f", (launched.duration(to: .now) - .seconds(settle)).seconds), .lower),
                Figure("rss at ready MB", String(format: "%.1f", Double(afterReady.resident) / 1_048_576), .lower),
                Figure("rss settled MB", String(format: "%.1f", Double(settled.resident) / 1_048_576), .lower),
                Figure("peak rss MB", String(format: "%.1f", Double(settled.peak) / 1_048_576), .lower),
                Figure("kB per bot", String(format: "%.0f", Double(settled.resident) / 1024 / Double(bots)), .lower),
                Figure("host cpu s", String(format: "%.2f", cpu), .lower),
            ]))
        }
    }
}

struct Startup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time from launch until 1,000 bots are ready (/readyz 200).")

    @OptionGroup var common: CommonOptions
    @Option var bots = 1000

    func run() async throws {
        try await compare("startup", common, parameters: ["bots": "\(bots)"]) { contender in
            let ledger = ReplyLedger()
            let (fake, host, list, ready) = try await startBots(contender, common, count: bots, ledger: ledger)
            // Ready means started; answering is the proof.
            let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: 1, ledger: ledger)
            let probe = generator.inject(to: list.last!)
            let answered = await ledger.waitForReply(probe, timeout: .seconds(30))
            let cpu = host.cpuSeconds()
            let memory = host.memory()
            try await host.stop()
            await fake.stop()
            let summary = ledger.summary
            return ContenderRun(
                contender,
                row: Report.Row(label: "\(bots) bots", figures: [
                    Figure("launch to ready s", String(format: "%.2f", ready.seconds), .lower),
                    Figure("last bot answers", answered ? "yes" : "no"),
                    Figure("host cpu s", String(format: "%.2f", cpu), .lower),
                    Figure("rss MB", String(format: "%.1f", Double(memory.resident) / 1_048_576), .lower),
                ]),
                lost: summary.lost, duplicated: summary.duplicates,
                failures: answered ? [] : ["the last bot did not answer after start-up"])
        }
    }
}

struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "SIGHUP with 1,000 bots under traffic (each answered once first): one bot added, one changed; "
            + "time until the new bot answers.")

    @OptionGroup var common: CommonOptions
    @Option var bots = 1000
    @Option(help: "Updates per second offered to the running bots throughout.") var rate = 200.0
    @Option(help: "Seconds of traffic; the SIGHUP comes a third of the way in.") var seconds = 12

    func run() async throws {
        let parameters = ["bots": "\(bots)", "rate": "\(rate)", "seconds": "\(seconds)"]
        try await compare("reload", common, parameters: parameters) { contender in
            let ledger = ReplyLedger()
            let (fake, host, list, _) = try await startBots(contender, common, count: bots, ledger: ledger)
            let others = Array(list.dropFirst())
            let changed = list[0]
            let added = BenchBot(index: bots)
            let generator = LoadGenerator(fake: fake, bots: others, usersPerBot: 5, ledger: ledger)
            let probes = ReplyLedger()
            let probeGenerator = LoadGenerator(fake: fake, bots: [added], usersPerBot: 1, ledger: probes)
            fake.observeSentMessages { token, message in
                if token == added.token { probes.replied(message.text) } else { ledger.replied(message.text) }
            }
            // A host in service: every bot answers once before the traffic, so the reload is
            // not measured while a thousand new bots create their databases (aviary creates a
            // new bot's file with its first update).
            for _ in others { generator.inject() }
            await ledger.drain(timeout: .seconds(60))
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
            // The first probe answered at all, and the first answered within 10 ms of being sent
            // (the bot has caught up with the probes queued while it started).
            let firstReply = probes.firstReply.map { $0 - signalled }
            _ = await traffic.value
            await ledger.drain(timeout: .seconds(15))
            let summary = ledger.summary
            try await host.stop()
            await fake.stop()
            func milliseconds(_ duration: Duration?) -> String {
                duration.map { String(format: "%.0f", $0.milliseconds) } ?? "never"
            }
            var failures: [String] = []
            if answeredAfter == nil { failures.append("the added bot never answered") }
            let repeated = probes.summary.duplicates
            if repeated > 0 { failures.append("the added bot sent \(repeated) replies twice") }
            return ContenderRun(
                contender,
                row: Report.Row(label: "1 added, 1 changed", figures: [
                    Figure("new bot first reply ms", milliseconds(firstReply), .lower),
                    Figure("new bot answers after ms", milliseconds(answeredAfter), .lower),
                    Figure("others: injected", "\(summary.injected)"),
                    Figure("others: lost", "\(summary.lost)", .lower),
                    Figure("others: duplicated", "\(summary.duplicates)", .lower),
                ]),
                lost: summary.lost, duplicated: summary.duplicates, failures: failures)
        }
    }
}

struct Smoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every scenario once at tiny N, so none can rot (CI runs it); the peer too in latency, "
            + "idle --webhook and reload. Fails on a lost or repeated reply, or a process that fails.")

    @Option(help: "The aviary binary to run.")
    var aviary = ".build/release/aviary"

    @Option(help: "The folder for each scenario's JSON.")
    var json = ".build/benchmarks/smoke"

    @OptionGroup var peers: PeerOptions

    func run() async throws {
        // The peer needs 2-3 s to import aiogram on every launch, so it runs where its own paths
        // are: polling under load (latency), webhooks (idle --webhook) and SIGHUP (reload). `nil`:
        // the scenario has no peer option (remote: aiogram has no remote plugins).
        let runs: [(String, any AsyncParsableCommand.Type, [String], withPeer: Bool?)] = [
            ("latency", Latency.self, ["--bots", "3", "--users", "2", "--rate", "50", "--seconds", "2", "--warmup", "1"], true),
            ("saturation", Saturation.self, ["--bots", "2", "--users", "3", "--start", "25", "--seconds", "1", "--steps", "2"], false),
            ("idle-polling", IdleMemory.self, ["--bots", "3", "--settle", "1"], false),
            ("idle-webhook", IdleMemory.self, ["--bots", "3", "--settle", "1", "--webhook"], true),
            ("reload", Reload.self, ["--bots", "3", "--rate", "30", "--seconds", "3"], true),
            ("startup", Startup.self, ["--bots", "3"], false),
            ("remote", Remote.self, ["--bots", "2", "--users", "2", "--rate", "50", "--seconds", "2", "--warmup", "1"],
             nil),
        ]
        for (name, scenario, arguments, withPeer) in runs {
            print("smoke: \(name)")
            let peer = withPeer.map { $0 ? peers.arguments : ["--peer", Peer.none.rawValue] } ?? []
            let common = ["--aviary", aviary, "--json", "\(json)/\(name).json", "--strict"] + peer
            guard var command = try scenario.parseAsRoot(arguments + common) as? any AsyncParsableCommand else {
                throw BenchError("smoke: \(name) is not an async command")
            }
            try await command.run()
        }
    }
}
