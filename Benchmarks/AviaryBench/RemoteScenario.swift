import ArgumentParser
import FakeBotAPI
import FakeModelAPI
import Foundation
import Logging

/// Issue #19's targets: one host serving bots of the built-in `echo` and bots of a remote echo
/// over HTTP that the bench itself serves (its CPU is the bench's, not the host's), loaded in
/// alternating windows (``InterleavedWindows``) so that the load of the rest of the machine
/// shifts both alike: the difference is what a remote call adds to the host.
struct Remote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remote plugins at 200 updates/s: built-in and remote echo bots on one host, loaded in "
            + "alternating windows; added latency and host CPU per remote call. No peer: aiogram has no remote plugins.")

    @OptionGroup var host: HostOptions
    @Option(help: "Bots of each kind.") var bots = 1
    @Option(help: "Users per bot.") var users = 10
    @Option(help: "Updates per second offered.") var rate = 200.0
    @Option(help: "Seconds measured for each kind, after the warm-up, in windows.") var seconds = 20
    @Option(help: "Seconds of one window; the kinds alternate window by window.") var window = 2.0
    @Option(help: "Seconds of warm-up for both kinds, not measured.") var warmup = 3

    /// Issue #19: the host's own CPU per remote call, in milliseconds.
    static let cpuTargetMs = 0.2
    /// Issue #19: the p99 latency a remote call adds over the same logic built in, in milliseconds.
    static let addedP99TargetMs = 2.0

    func run() async throws {
        print("remote: no peer (aiogram has no remote plugins); built-in and remote echo bots, alternating windows")
        let secret = UUID().uuidString
        var logger = Logger(label: "bench-remote-echo")
        logger.logLevel = .error
        let plugin = FakeRemotePlugin(secret: secret, logger: logger, records: false) { Remote.echo($0) }
        try await plugin.start()
        let remoteList = #"[{remote: {name: bench-echo, url: "\#(plugin.url)", secret: "\#(secret)"}}]"#
        let builtInBots = (0..<bots).map { BenchBot(index: $0, plugins: "[echo]") }
        let remoteBots = (0..<bots).map { BenchBot(index: bots + $0, plugins: remoteList) }
        let ledger = ReplyLedger()
        let (fake, process, _) = try await launch(ledger: ledger) { fake in
            try AviaryHost(aviary: host.aviary, fake: fake, bots: builtInBots + remoteBots)
        }
        let generator = LoadGenerator(fake: fake, bots: builtInBots + remoteBots, usersPerBot: users, ledger: ledger)
        _ = await generator.offer(rate: rate, for: .seconds(warmup))
        await ledger.drain(timeout: .seconds(15))
        let pairs = max(1, Int((Double(seconds) / window).rounded()))
        let windows = await InterleavedWindows.run(pairs: pairs) { builtIn in
            await generator.window(
                of: builtIn ? builtInBots : remoteBots, host: process, rate: rate, duration: .seconds(window))
        }
        let peak = Double(process.memory().peak) / 1_048_576
        try await process.stop()
        await fake.stop()
        await plugin.stop()

        let (builtInWindows, remoteWindows) = windows.pooled
        let builtIn = builtInWindows.figures(rate: rate, peakRSSMB: peak)
        let remote = remoteWindows.figures(rate: rate, peakRSSMB: peak)
        let added = remote.minus(builtIn)
        let run = ContenderRun(
            .aviary,
            rows: [builtIn.row("built-in echo"), remote.row("remote echo"), added.row("remote added")],
            headline: added.row("remote added"),
            lost: builtIn.lost + remote.lost, duplicated: builtIn.duplicated + remote.duplicated)
        let parameters = [
            "bots": "\(bots)", "users": "\(users)", "rate": "\(rate)", "seconds": "\(seconds)", "warmup": "\(warmup)",
            "window": "\(window)", "pairs": "\(pairs)", "peer": "none (aiogram has no remote plugins)",
        ]
        try Report(scenario: "remote", parameters: parameters, runs: [run]).publish(to: host.jsonPath("remote"))
        print(Self.summary(builtIn: builtIn, remote: remote, windows: windows))
        if run.lost > 0 {
            print("targets not judged: \(run.lost) updates went unanswered")
        } else {
            // CPU seconds per 1,000 updates is milliseconds per update: one remote call each.
            print(Self.verdict("host CPU per remote call", added.hostCPUSecondsPer1000, target: Self.cpuTargetMs))
            print(Self.verdict("added p99 latency", added.latencyP99Ms, target: Self.addedP99TargetMs))
        }
        try host.check("remote", [run])
    }

    /// Both kinds' p50 and p99 and host CPU per update, and how much the CPU difference moved
    /// from pair to pair of windows.
    static func summary(builtIn: LoadFigures, remote: LoadFigures, windows: InterleavedWindows) -> String {
        func format(_ value: Double) -> String { String(format: "%.3f", value) }
        func spread(_ differences: [Double]) -> String {
            guard let first = differences.first, let last = differences.last else { return "none" }
            return "median \(format(differences[differences.count / 2])) ms (from \(format(first)) to \(format(last)))"
        }
        let ratio = builtIn.hostCPUSecondsPer1000 == 0 ? 0 : remote.hostCPUSecondsPer1000 / builtIn.hostCPUSecondsPer1000
        return """
            remote: \(windows.pairs.count) pairs of windows, built-in and remote alternated (A B, B A, …) on one host
            built-in echo: p50 \(format(builtIn.latencyP50Ms)) ms, p99 \(format(builtIn.latencyP99Ms)) ms, \
            host CPU \(format(builtIn.hostCPUSecondsPer1000)) ms/update
            remote echo:   p50 \(format(remote.latencyP50Ms)) ms, p99 \(format(remote.latencyP99Ms)) ms, \
            host CPU \(format(remote.hostCPUSecondsPer1000)) ms/update
            added by the remote call, pooled: p50 \(format(remote.latencyP50Ms - builtIn.latencyP50Ms)) ms, \
            p99 \(format(remote.latencyP99Ms - builtIn.latencyP99Ms)) ms, host CPU \(format(ratio))× built-in's
            added, pair by pair: host CPU \(spread(windows.cpuDifferences)); p50 \(spread(windows.latencyDifferences(0.5))); \
            p99 \(spread(windows.latencyDifferences(0.99)))
            """
    }

    /// The remote echo: the message's text back to its chat, as the built-in `echo` sends it.
    static func echo(_ call: FakeRemotePlugin.Call) -> FakeRemotePlugin.Reply {
        let message = (call.json["update"] as? [String: Any])?["message"] as? [String: Any]
        guard let text = message?["text"] as? String,
            let answer = try? JSONSerialization.data(withJSONObject: [
                "disposition": "handled", "actions": [["kind": "reply", "text": text]],
            ] as [String: Any])
        else { return .answer(#"{"disposition":"passed"}"#) }
        return .answer(String(decoding: answer, as: UTF8.self))
    }

    /// `name: 0.123 ms (target ≤ 0.2 ms): met`, or `not met`.
    static func verdict(_ name: String, _ value: Double, target: Double) -> String {
        "\(name): \(String(format: "%.3f", value)) ms (target ≤ \(target) ms): \(value <= target ? "met" : "not met")"
    }
}

extension LoadFigures {
    /// Figure by figure, how much these exceed `other`'s.
    func minus(_ other: LoadFigures) -> LoadFigures {
        LoadFigures(
            offeredPerSecond: offeredPerSecond - other.offeredPerSecond,
            achievedPerSecond: achievedPerSecond - other.achievedPerSecond,
            latencyP50Ms: latencyP50Ms - other.latencyP50Ms, latencyP95Ms: latencyP95Ms - other.latencyP95Ms,
            latencyP99Ms: latencyP99Ms - other.latencyP99Ms, latencyMaxMs: latencyMaxMs - other.latencyMaxMs,
            hostCPUSecondsPer1000: hostCPUSecondsPer1000 - other.hostCPUSecondsPer1000,
            benchCPUSecondsPer1000: benchCPUSecondsPer1000 - other.benchCPUSecondsPer1000,
            peakRSSMB: peakRSSMB - other.peakRSSMB, injected: injected - other.injected,
            answered: answered - other.answered, lost: lost - other.lost, duplicated: duplicated - other.duplicated)
    }
}
