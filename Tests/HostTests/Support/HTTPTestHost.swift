import AsyncHTTPClient
import CoreMetrics
import FakeBotAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import GRDB
import Tenant
import Testing
@testable import Host

/// A supervisor running two brands' bots against the fake Bot API, with the HTTP surface's
/// router, for in-process tests of the management API.
struct HTTPTestHost {
    static let adminToken = "admin-" + String(repeating: "a", count: 26)
    static let hanToken = "brand-han-" + String(repeating: "h", count: 22)
    static let lumenToken = "brand-lumen-" + String(repeating: "l", count: 20)
    /// Bot id → (brand, Telegram token).
    static let bots = [
        "alpha": ("han", "4101:" + String(repeating: "a", count: 35)),
        "beta": ("lumen", "4102:" + String(repeating: "b", count: 35)),
    ]

    /// A sandbox bot of brand han, with a button menu.
    static let sandboxManifest = """
        id: gamma
        brand: han
        platform: sandbox
        plugins:
          - replies:
              commands:
                start:
                  text: "Welcome!"
                  buttons: [[{text: "Rules", reply: rules}]]
              replies:
                rules: "Be kind."
        """

    let fake: FakeBotAPI
    let sandbox: HostSandbox
    let supervisor: Supervisor
    var surface: HTTPSurface
    let task: Task<Void, any Error>
    /// The audit log's database, shared by the API and the bots, for tests that wait on it.
    let auditDatabase: DatabaseQueue
    /// The warnings and errors the surface's log recorded per bot (see ``withClient(logging:_:)``).
    var recentErrors: RecentErrors { surface.recentErrors }

    static func manifest(id: String, brand: String, token: String, apiURL: URL) -> String {
        "brand: \(brand)\n" + BinaryEndToEndTests.manifest(id: id, token: token, apiURL: apiURL, plugins: BinaryEndToEndTests.echo)
    }

    /// Starts both bots, the sandbox bot `gamma` and `extraManifests` (by id, their plugins from
    /// `registry`), and waits until they run.
    static func start(
        limiter: FailedAuthLimiter = FailedAuthLimiter(burst: 1_000_000), registry: PluginRegistry = .builtIn(),
        extraManifests: [String: String] = [:]
    ) async throws -> HTTPTestHost {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        for (index, (id, bot)) in bots.sorted(by: { $0.key < $1.key }).enumerated() {
            fake.addBot(token: bot.1, userID: Int64(4100 + index), username: "\(id)_bot")
            try sandbox.writeManifest(id, manifest(id: id, brand: bot.0, token: bot.1, apiURL: fake.baseURL))
        }
        try sandbox.writeManifest("gamma", sandboxManifest)
        for (id, manifest) in extraManifests { try sandbox.writeManifest(id, manifest) }
        let options = HostOptions(botsDirectory: sandbox.botsDirectory, dataDirectory: sandbox.dataDirectory)
        var logger = Logger(label: "http-test")
        logger.logLevel = .critical
        let loader = ManifestLoader(
            registry: registry, environment: [:],
            brandBotAPIServers: LiveBrandBotAPIServers(BrandBotAPIServers(listed: [fake.baseURL])))
        let secret = HostSecret(Data(repeating: 9, count: 32))
        let registry = MetricsRegistry()
        // One audit log for the API's records and the bots' own (a person forgotten or exported).
        let auditDatabase = try DatabaseQueue()
        let audit = AuditLog(database: try HostDatabase(writer: auditDatabase), logger: logger)
        let supervisor = Supervisor(
            options: options, loader: loader,
            factory: TenantFactory(
                options: options, httpClient: HTTPClient.shared, secret: secret,
                metricsFactory: DocumentedPrometheusFactory(registry: registry), audit: audit),
            logger: logger)
        let task = Task { try await supervisor.run() }
        _ = await supervisor.table.wait { states in
            (Array(bots.keys) + ["gamma"] + Array(extraManifests.keys)).allSatisfy { states[$0] == .running }
        }
        let tokens = APITokens(
            admin: APITokens.digest(of: adminToken),
            brands: ["han": APITokens.digest(of: hanToken), "lumen": APITokens.digest(of: lumenToken)])
        var surface = HTTPSurface(
            supervisor: supervisor, loader: loader, secret: secret, tokens: LiveTokens(tokens),
            registry: registry, recentErrors: RecentErrors(),
            editor: ManifestEditor(options: options, loader: loader),
            audit: audit)
        surface.limiter = limiter
        return HTTPTestHost(
            fake: fake, sandbox: sandbox, supervisor: supervisor, surface: surface, task: task, auditDatabase: auditDatabase)
    }

    /// Runs `body` with a client of the router; with `logging`, the routes log through the
    /// host's own log handler into it, recording warnings in ``recentErrors``.
    func withClient(
        logging: LogOutput? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let app = Application(router: try surface.router(), logger: logger(logging))
        try await app.test(.router, body)
    }

    /// Runs `body` with a client of a real server on a free loopback port (requests have a peer address).
    func withLiveClient(
        logging: LogOutput? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let app = Application(router: try surface.router(), logger: logger(logging))
        try await app.test(.live, body)
    }

    private func logger(_ output: LogOutput?) -> Logger {
        guard let output else {
            var logger = Logger(label: "http-test")
            logger.logLevel = .critical
            return logger
        }
        let recentErrors = recentErrors
        return Logger(label: "http-test") { label in
            HostLogHandler(logLevel: .info, label: label, format: .text, recentErrors: recentErrors, output: output)
        }
    }

    /// Stops everything; a supervisor that throws on shutdown is recorded as an issue of the test.
    func stop() async {
        task.cancel()
        do {
            try await task.value
        } catch {
            Issue.record(error, "the supervisor threw on shutdown")
        }
        await fake.stop()
    }

    /// Waits until bot `id` runs again.
    ///
    /// - Important: No time bound of its own: every suite using it carries a `.timeLimit`.
    func waitUntilRunning(_ id: String) async {
        _ = await supervisor.table.wait { $0[id] == .running }
    }
}
