import AsyncHTTPClient
import CoreMetrics
import FakeBotAPI
import Foundation
import Logging
import Synchronization
import Testing
@testable import Host
import Tenant

/// A bot that will not stop must not hold up the supervisor: its stop is bounded, every other
/// bot's commands go on, and it cannot start twice.
@Suite("Supervisor with a stuck bot", .serialized, .timeLimit(.minutes(2)))
struct SupervisorStuckBotTests {
    @Test("stopping a stuck bot returns after the stop timeout; other bots' commands and replies go on")
    func stuckBotIsAbandoned() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        let tokens = ["stuck": SupervisorTests.token("7"), "fine": SupervisorTests.token("8")]
        for (index, id) in ["stuck", "fine"].enumerated() {
            fake.addBot(token: tokens[id]!, userID: Int64(6000 + index), username: "\(id)_bot")
            let plugins = id == "stuck" ? "  - \(StuckPlugin.name)\n  - echo" : "  - echo"
            try sandbox.writeManifest(id, BinaryEndToEndTests.manifest(id: id, token: tokens[id]!, apiURL: fake.baseURL, plugins: plugins))
        }
        var registry = PluginRegistry.builtIn()
        registry.register(StuckPlugin.self)
        var logger = Logger(label: "supervisor-test")
        logger.logLevel = ProcessInfo.processInfo.environment["DEBUG_LOG"] != nil ? .debug : .critical
        // Long enough for a healthy bot to drain on a loaded machine: a healthy bot that overran
        // it would be abandoned too, and the restart below refused.
        let supervisor = Supervisor.forTesting(sandbox, registry: registry, logger: logger, stopTimeout: .seconds(5))
        let task = Task { try await supervisor.run() }
        defer {
            StuckPlugin.gate.open()
            task.cancel()
        }
        let user = FakeUser(id: 9, firstName: "Eve")

        // The stuck bot's plugin never returns from this update, and ignores cancellation.
        fake.sendText(token: tokens["stuck"]!, chatID: user.id, from: user, text: "stick")
        await StuckPlugin.gate.waitUntilEntered()

        try await supervisor.perform(.stop, on: "stuck")
        #expect(supervisor.table["stuck"]?.stoppedByOperator == true)

        // Every other bot is untouched and still obeys.
        try await supervisor.perform(.restart, on: "fine")
        fake.sendText(token: tokens["fine"]!, chatID: user.id, from: user, text: "still here")
        let sent = try await fake.waitForSentMessages(token: tokens["fine"]!, count: 1, timeout: .seconds(90))
        #expect(sent.map(\.text) == ["still here"])

        // The old run still holds the token and the database: no second run beside it.
        try await supervisor.perform(.start, on: "stuck")
        let state = await supervisor.table.wait { states in
            if case .failed = states["stuck"] { return true }
            return false
        }
        guard case .failed(let reason) = state["stuck"] else {
            Issue.record("expected the stuck bot to be refused, got \(String(describing: state["stuck"]))")
            return
        }
        #expect(reason.contains("previous run did not stop within 5 s"), "\(reason)")

        // The abandoned run still holds the supervisor's task group: let it end.
        StuckPlugin.gate.open()
        task.cancel()
        await #expect(throws: Never.self, "the supervisor stops without an error") { try await task.value }
        await fake.stop()
    }
}

/// On "stick", waits for ``gate`` without heeding cancellation: a plugin stuck in a way the host
/// cannot interrupt.
struct StuckPlugin: Plugin {
    static let name = "stuck-test"
    static let gate = Gate()

    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard update.message?.text == "stick" else { return .passed }
        await Self.gate.enterAndWait()
        return .handled
    }

    /// Holds whoever enters until it is opened.
    final class Gate: Sendable {
        private struct State {
            var open = false
            var held: [CheckedContinuation<Void, Never>] = []
            var entered: [CheckedContinuation<Void, Never>] = []
            var hasEntered = false
        }
        private let state = Mutex(State())

        func enterAndWait() async {
            await withCheckedContinuation { continuation in
                let (resume, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    state.hasEntered = true
                    defer { state.entered.removeAll() }
                    if state.open { return (true, state.entered) }
                    state.held.append(continuation)
                    return (false, state.entered)
                }
                for watcher in watchers { watcher.resume() }
                if resume { continuation.resume() }
            }
        }

        func waitUntilEntered() async {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.hasEntered { return true }
                    state.entered.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        }

        func open() {
            let held = state.withLock { state in
                state.open = true
                defer { state.held.removeAll() }
                return state.held
            }
            for continuation in held { continuation.resume() }
        }
    }
}
