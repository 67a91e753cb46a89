import ArgumentParser
import FakeBotAPI
import FakeModelAPI
import Foundation
import Logging

/// Issue #19's targets: the same load served by the built-in `echo`, then by a remote echo over
/// HTTP that the bench itself serves (its CPU is the bench's, not the host's), so that the
/// difference is what a remote call adds to the host.
struct Remote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remote plugins at 200 updates/s: the built-in echo, then a remote echo served by the bench; "
            + "added p99 and host CPU per remote call. No peer: aiogram has no remote plugins.")

    @OptionGroup var host: HostOptions
    @Option var bots = 1
    @Option(help: "Users per bot.") var users = 10
    @Option(help: "Updates per second offered.") var rate = 200.0
    @Option(help: "Seconds measured for each plugin, after the warm-up.") var seconds = 20
    @Option(help: "Seconds of warm-up for each plugin, not measured.") var warmup = 3

    /// Issue #19: the host's own CPU per remote call, in milliseconds.
    static let cpuTargetMs = 0.2
    /// Issue #19: the p99 latency a remote call adds over the same logic built in, in milliseconds.
    static let addedP99TargetMs = 2.0

    func run() async throws {
        print("remote: no peer (aiogram has no remote plugins); the built-in echo, then a remote echo")
        let secret = UUID().uuidString
        var logger = Logger(label: "bench-remote-echo")
        logger.logLevel = .error
        let plugin = FakeRemotePlugin(secret: secret, logger: logger, records: false) { Remote.echo($0) }
        try await plugin.start()
        let builtIn = try await measure("built-in echo", plugins: "[echo]")
        let remote = try await measure(
            "remote echo", plugins: #"[{remote: {name: bench-echo, url: "\#(plugin.url)", secret: "\#(secret)"}}]"#)
        await plugin.stop()
        let added = remote.figures.minus(builtIn.figures)
        let run = ContenderRun(
            .aviary,
            rows: [builtIn.figures.row("built-in echo"), remote.figures.row("remote echo"), added.row("remote added")],
            headline: added.row("remote added"),
            lost: builtIn.lost + remote.lost, duplicated: builtIn.duplicated + remote.duplicated)
        let parameters = [
            "bots": "\(bots)", "users": "\(users)", "rate": "\(rate)", "seconds": "\(seconds)", "warmup": "\(warmup)",
            "peer": "none (aiogram has no remote plugins)",
        ]
        try Report(scenario: "remote", parameters: parameters, runs: [run]).publish(to: host.jsonPath("remote"))
        if run.lost > 0 {
            print("targets not judged: \(run.lost) updates went unanswered")
        } else {
            // CPU seconds per 1,000 updates is milliseconds per update: one remote call each.
            print(Self.verdict("host CPU per remote call", added.hostCPUSecondsPer1000, target: Self.cpuTargetMs))
            print(Self.verdict("added p99 latency", added.latencyP99Ms, target: Self.addedP99TargetMs))
        }
        try host.check("remote", [run])
    }

    /// Runs the load against a host whose bots list `plugins`.
    private func measure(_ label: String, plugins: String) async throws
        -> (figures: LoadFigures, lost: Int, duplicated: Int)
    {
        print("remote: \(label)")
        let ledger = ReplyLedger()
        let list = (0..<bots).map { BenchBot(index: $0, plugins: plugins) }
        let (fake, process, _) = try await launch(ledger: ledger) { fake in
            try AviaryHost(aviary: host.aviary, fake: fake, bots: list)
        }
        let generator = LoadGenerator(fake: fake, bots: list, usersPerBot: users, ledger: ledger)
        _ = await LoadFigures.measure(host: process, generator: generator, rate: rate, duration: .seconds(warmup))
        let figures = await LoadFigures.measure(
            host: process, generator: generator, rate: rate, duration: .seconds(seconds))
        try await process.stop()
        await fake.stop()
        let summary = ledger.summary
        return (figures, summary.lost, summary.duplicates)
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
