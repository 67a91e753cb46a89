import FakeBotAPI
import Foundation
import GRDB
import Logging
import Tenant
import Testing
@testable import Host

/// An in-process supervisor over a fresh sandbox, with the fake Bot API, for the promise suites
/// that need their own manifests (admins, plugins, webhook mode).
struct PromiseHost {
    let fake: FakeBotAPI
    let sandbox: HostSandbox
    let supervisor: Supervisor
    let task: Task<Void, any Error>

    /// Starts the fake, lets `prepare` register bots and write manifests, then runs the supervisor.
    static func start(
        registry: PluginRegistry = .builtIn(), publicURL: URL? = nil,
        prepare: (FakeBotAPI, HostSandbox) throws -> Void
    ) async throws -> PromiseHost {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        try prepare(fake, sandbox)
        var logger = Logger(label: "promise-host")
        logger.logLevel = ProcessInfo.processInfo.environment["DEBUG_LOG"] != nil ? .debug : .critical
        let supervisor = Supervisor.forTesting(sandbox, registry: registry, logger: logger, publicURL: publicURL)
        let task = Task { try await supervisor.run() }
        return PromiseHost(fake: fake, sandbox: sandbox, supervisor: supervisor, task: task)
    }

    /// A Telegram bot's manifest against `apiURL`, unpaced (1,000 a second), with lines added to
    /// its `telegram` and `delivery` blocks and `extra` top-level lines (`admins: [1]`).
    static func manifest(
        id: String, token: String, apiURL: URL, plugins: [String], telegram: [String] = [],
        delivery: [String] = [], extra: [String] = []
    ) -> String {
        let head = ["id: \(id)", "platform: telegram", "token: \(token)", "telegram:"]
        let telegramBlock = ["api_url: \(apiURL.absoluteString)", "poll_timeout: 1"] + telegram
        let deliveryBlock = ["private_chat_per_second: 1000", "bot_per_second: 1000"] + delivery
        return (head + telegramBlock.map { "  " + $0 } + ["delivery:"] + deliveryBlock.map { "  " + $0 } + extra
            + ["plugins:"] + plugins.map { "  - " + $0 }).joined(separator: "\n")
    }

    /// Waits until bot `id` runs.
    ///
    /// - Important: No time bound of its own: every suite using it carries a `.timeLimit`.
    func waitUntilRunning(_ id: String) async {
        _ = await supervisor.table.wait { $0[id] == .running }
    }

    /// Bot `id`'s database, opened read-only beside the running host.
    func database(_ id: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: "\(sandbox.dataDirectory)/\(id).sqlite", configuration: configuration)
    }

    /// Stops the supervisor (recording an issue if it throws) and the fake.
    func stop() async {
        task.cancel()
        do {
            try await task.value
        } catch {
            Issue.record(error, "the supervisor threw on shutdown")
        }
        await fake.stop()
    }
}
