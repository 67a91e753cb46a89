import ArgumentParser
import FakeBotAPI
import Logging
import Foundation

/// The peer a scenario measures after aviary, in the same run and the same way.
enum Peer: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// N aiogram 3 echo bots in one Python process.
    case aiogram
    /// Aviary alone.
    case none
}

/// Which process serves the bots in one half of a scenario.
enum Contender: String, Sendable {
    case aviary
    case aiogram
}

/// What one contender produced in a scenario: its rows, the row compared with the other
/// contender's, and what its reply ledger says.
struct ContenderRun {
    var contender: Contender
    /// Every row it produced (one, or saturation's steps).
    var rows: [Report.Row]
    /// The row set beside the other contender's and divided by it.
    var headline: Report.Row
    var lost = 0
    var duplicated = 0
    /// Why the run is no measurement (a bot that never answered), beyond lost and repeated replies.
    var failures: [String] = []

    /// A run whose only row is its headline.
    init(_ contender: Contender, row: Report.Row, lost: Int = 0, duplicated: Int = 0, failures: [String] = []) {
        self.contender = contender
        rows = [row]
        headline = row
        self.lost = lost
        self.duplicated = duplicated
        self.failures = failures
    }

    init(_ contender: Contender, rows: [Report.Row], headline: Report.Row, lost: Int, duplicated: Int) {
        self.contender = contender
        self.rows = rows
        self.headline = headline
        self.lost = lost
        self.duplicated = duplicated
    }
}

/// Which peer runs after aviary, and how to start it.
struct PeerOptions: ParsableArguments {
    @Option(help: "The peer measured after aviary, the same way, on a fresh fake: aiogram or none.")
    var peer: Peer = .aiogram

    @Option(help: "The Python of the peer's virtual environment (scripts/peer-env.sh makes it).")
    var peerPython = ".build/peer-venv/bin/python3"

    @Option(help: "The peer program.")
    var peerScript = "Benchmarks/Peer/aiogram_echo.py"

    /// The same options as arguments, to hand on to a scenario.
    var arguments: [String] { ["--peer", peer.rawValue, "--peer-python", peerPython, "--peer-script", peerScript] }
}

/// What every scenario takes: the binary measured, where the JSON goes, how strict the check is.
struct HostOptions: ParsableArguments {
    @Option(help: "The aviary binary to measure.")
    var aviary = ".build/release/aviary"

    @Option(help: "Where to write the JSON result (default: .build/benchmarks/<scenario>.json).")
    var json: String?

    @Flag(help: "Fail when any update goes unanswered, not only when one is answered twice (the smoke run sets it).")
    var strict = false

    func jsonPath(_ scenario: String) -> String { json ?? ".build/benchmarks/\(scenario).json" }

    /// Throws when a run failed or a reply was repeated (the host promises once; a peer that
    /// repeats is no fair comparison), or, with `--strict`, when an update went unanswered. An
    /// overloaded process may leave updates unanswered within the drain window of a real
    /// measurement; a repeated reply is a bug at any load.
    func check(_ scenario: String, _ runs: [ContenderRun]) throws {
        for run in runs {
            let name = "\(scenario) (\(run.contender.rawValue))"
            if let failure = run.failures.first { throw BenchError("\(name): \(failure)") }
            if run.duplicated > 0 { throw BenchError("\(name): \(run.duplicated) replies were sent twice") }
            if strict, run.lost > 0 { throw BenchError("\(name): \(run.lost) updates were never answered") }
        }
    }
}

/// What every scenario with a peer takes.
struct CommonOptions: ParsableArguments {
    @OptionGroup var host: HostOptions

    @OptionGroup var peers: PeerOptions

    /// Aviary, then the peer unless it is `none`.
    var contenders: [Contender] { peers.peer == .none ? [.aviary] : [.aviary, .aiogram] }

    /// The parameters every report carries.
    var reportParameters: [String: String] { peers.peer == .none ? [:] : ["peer": peers.peer.rawValue] }

    /// A process of `contender` serving `bots` through `fake`; not launched yet. `hostConfig`
    /// is aviary's host config file (YAML); the peer has none.
    func process(
        _ contender: Contender, fake: FakeBotAPI, bots: [BenchBot], webhook: Bool, hostConfig: String? = nil
    ) throws -> any BotProcess {
        switch contender {
        case .aviary:
            try AviaryHost(aviary: host.aviary, fake: fake, bots: bots, webhook: webhook, hostConfig: hostConfig)
        case .aiogram:
            try AiogramPeer(
                python: peers.peerPython, script: peers.peerScript, fake: fake, bots: bots, webhook: webhook)
        }
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

/// Starts a fake and `count` echo bots served by `contender` (polling unless `webhook`), and
/// waits until they are ready; returns how long that took after launch.
func startBots(
    _ contender: Contender, _ options: CommonOptions, count: Int, ledger: ReplyLedger, webhook: Bool = false,
    hostConfig: String? = nil
) async throws -> (FakeBotAPI, any BotProcess, [BenchBot], Duration) {
    let bots = (0..<count).map { BenchBot(index: $0) }
    let (fake, process, ready) = try await launch(ledger: ledger) { fake in
        try options.process(contender, fake: fake, bots: bots, webhook: webhook, hostConfig: hostConfig)
    }
    return (fake, process, bots, ready)
}

/// Starts a fake, then the process `make` returns for it, and waits until it is ready; returns
/// how long that took after launch.
func launch(
    ledger: ReplyLedger, _ make: (FakeBotAPI) throws -> any BotProcess
) async throws -> (FakeBotAPI, any BotProcess, Duration) {
    let fake = try await startFake(ledger: ledger)
    let process = try make(fake)
    try process.launch()
    let ready = try await process.waitUntilReady()
    return (fake, process, ready)
}
