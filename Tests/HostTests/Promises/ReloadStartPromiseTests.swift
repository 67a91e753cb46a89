import FakeBotAPI
import Foundation
import Logging
import Testing
@testable import Host
import Tenant

/// The README's "Reload": a new bot does not wait for other bots to drain, unless it takes over
/// the token (or the database) of a bot that stops; then it starts only after that bot drained.
@Suite("Reload promises: when new bots start", .serialized, .timeLimit(.minutes(3)))
struct ReloadStartPromiseTests {
    @Test("a new bot answers while a removed bot still drains; the bot taking over its token starts after it")
    func newBotsDoNotWaitForOthers() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        let (held, fresh) = (SupervisorTests.token("4"), SupervisorTests.token("5"))
        fake.addBot(token: held, userID: 7001, username: "slow_bot")
        fake.addBot(token: fresh, userID: 7002, username: "fresh_bot")
        let holding = "  - \(HoldingPlugin.name)\n  - echo"
        let api = fake.baseURL
        func manifest(_ id: String, _ token: String, _ plugins: String) -> String {
            BinaryEndToEndTests.manifest(id: id, token: token, apiURL: api, plugins: plugins)
        }
        try sandbox.writeManifest("slow", manifest("slow", held, holding))
        var registry = PluginRegistry.builtIn()
        registry.register(HoldingPlugin.self)
        var logger = Logger(label: "reload-start-test")
        logger.logLevel = ProcessInfo.processInfo.environment["DEBUG_LOG"] != nil ? .debug : .critical
        let supervisor = Supervisor.forTesting(sandbox, registry: registry, logger: logger, stopTimeout: .seconds(120))
        let task = Task { try await supervisor.run() }
        defer {
            HoldingPlugin.gate.open()
            task.cancel()
        }
        _ = await supervisor.table.wait { $0["slow"] == .running }
        let user = FakeUser(id: 12, firstName: "Eve")
        fake.sendText(token: held, chatID: user.id, from: user, text: "hold")
        await HoldingPlugin.gate.waitUntilEntered()

        // "slow" goes away and "heir" takes its token; "fresh" shares nothing with it.
        try sandbox.removeManifest("slow")
        try sandbox.writeManifest("heir", manifest("heir", held, BinaryEndToEndTests.echo))
        try sandbox.writeManifest("fresh", manifest("fresh", fresh, BinaryEndToEndTests.echo))
        let reload = Task { await supervisor.reload() }

        // "slow" cannot drain before the gate opens, yet "fresh" runs and answers.
        let states = await supervisor.table.wait { $0["fresh"] == .running }
        #expect(states["slow"] != nil)
        #expect(states["heir"] == nil)
        fake.sendText(token: fresh, chatID: user.id, from: user, text: "already?")
        let sent = try await fake.waitForSentMessages(token: fresh, count: 1, timeout: .seconds(90))
        #expect(sent.map(\.text) == ["already?"])
        #expect(supervisor.table.snapshot["heir"] == nil)

        HoldingPlugin.gate.open()
        let report = await reload.value
        #expect(report.started == ["fresh", "heir"])
        #expect(report.stopped == ["slow"])
        _ = await supervisor.table.wait { $0["heir"] == .running }

        task.cancel()
        try await task.value
        await fake.stop()
    }
}

/// On "hold", waits for ``gate`` without heeding cancellation: a bot that cannot drain until
/// the test lets it.
struct HoldingPlugin: Plugin {
    static let name = "holding-test"
    static let gate = StuckPlugin.Gate()

    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard update.message?.text == "hold" else { return .passed }
        await Self.gate.enterAndWait()
        return .handled
    }
}
