public import ArgumentParser
import AsyncHTTPClient
import Foundation
public import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import Storage
import Synchronization
import UnixSignals

/// `aviary run`: runs every enabled bot of the manifest folder and the HTTP surface until
/// SIGTERM or SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every enabled bot in the manifest folder; SIGHUP reloads, SIGTERM drains and stops.")

    @Option(name: .customLong("bots-dir"), help: "The folder of bot manifests.")
    var botsDirectory: String = "bots.d"

    @Option(name: .customLong("data-dir"), help: "The folder of bot databases, the pid file and the host secret.")
    var dataDirectory: String = "data"

    @Option(name: .customLong("http-host"), help: "The address the HTTP surface listens on.")
    var httpHost: String = "127.0.0.1"

    @Option(name: .customLong("http-port"), help: "The HTTP port: webhooks, /api/v1, /metrics, /healthz, /readyz. 0 picks a free one.")
    var httpPort: Int = 8080

    @Option(name: .customLong("public-url"), help: "The address Telegram reaches this host at (https://bots.example.com), for webhook bots.")
    var publicURL: String?

    @Option(name: .customLong("config"), help: "The host config file (management API brand tokens, admin token file).")
    var configPath: String?

    @Option(
        name: .customLong("trusted-proxy"),
        help: """
            A reverse proxy (address or CIDR range) whose X-Forwarded-For names the client; repeatable. \
            Adds to http.trusted_proxies.
            """)
    var trustedProxies: [String] = []

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("log-format"), help: "text or json (one object per line, for log shippers).")
    var logFormat: LogFormat = .text

    @Option(name: .customLong("shutdown-timeout"), help: "Seconds a graceful shutdown may take before it is cut short.")
    var shutdownTimeout: Int = 30

    @Option(
        name: .customLong("flush-timeout"),
        help: "Seconds a stopping bot keeps sending its pending replies (--shutdown-timeout still bounds it).")
    var flushTimeout: Int = 5

    func validate() throws {
        guard (1...3600).contains(shutdownTimeout) else {
            throw ValidationError("--shutdown-timeout \(shutdownTimeout) is out of range; use 1 to 3600 seconds")
        }
        guard (0...3600).contains(flushTimeout) else {
            throw ValidationError("--flush-timeout \(flushTimeout) is out of range; use 0 to 3600 seconds")
        }
        guard (0...65535).contains(httpPort) else {
            throw ValidationError("--http-port \(httpPort) is not a port; use 1 to 65535, or 0 for a free one")
        }
        if let bad = trustedProxies.first(where: { (try? TrustedProxies([$0])) == nil }) {
            throw ValidationError(
                "--trusted-proxy '\(bad)' is not an IP address or range such as 127.0.0.1 or 10.0.0.0/8")
        }
        if let publicURL {
            guard let url = URL(string: publicURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else {
                throw ValidationError("--public-url '\(publicURL)' is not an http(s) address such as https://bots.example.com")
            }
        }
    }

    func run() async throws {
        let recentErrors = RecentErrors()
        let (level, format) = (logLevel, logFormat)
        LoggingSystem.bootstrap { label in
            HostLogHandler(logLevel: level, label: label, format: format, recentErrors: recentErrors, output: .standardError)
        }
        let registry = MetricsRegistry()
        let metricsFactory = DocumentedPrometheusFactory(registry: registry)
        MetricsSystem.bootstrap(metricsFactory)
        let logger = Logger(label: "aviary")
        // Trapped before anything reads bots.d/: a SIGHUP from here on waits for the supervisor.
        let reloadSignals = await UnixSignalsSequence(trapping: .sighup)

        let options = HostOptions(
            botsDirectory: botsDirectory, dataDirectory: dataDirectory,
            publicURL: publicURL.flatMap { URL(string: $0.hasSuffix("/") ? String($0.dropLast()) : $0) },
            flushTimeout: .seconds(flushTimeout))
        var config = try configPath.map { try HostConfig.load(path: $0) } ?? HostConfig()
        config.http.trustedProxies = try TrustedProxies(config.http.trustedProxies.entries + trustedProxies)
        let pidLock = try PIDFile(path: options.pidFilePath).lock()
        defer { pidLock.release() }
        let madeAdminToken = try Self.defaultAdminToken(for: &config, dataDirectory: dataDirectory, logger: logger)
        let tokens = try config.apiTokens()
        let secret = try HostSecret.load(path: options.hostSecretPath)

        let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .aviaryDefault)
        let databases = config.openDatabases(openFiles: OpenFileLimit.raise())
        logger.debug("bot databases open at once: at most \(databases.limit)")
        let remotePolicy = LiveRemotePluginPolicy(config.remotePlugins)
        let brandBotAPIServers = LiveBrandBotAPIServers(config.brandBotAPIServers)
        let loader = ManifestLoader(
            registry: .builtIn(), remotePolicy: remotePolicy, brandBotAPIServers: brandBotAPIServers)
        let hostDatabase = try HostDatabase.open(dataDirectory: dataDirectory)
        let audit = AuditLog(database: hostDatabase, logger: logger)
        let webhookRegistrations = try await WebhookRegistrations.load(from: hostDatabase)
        let liveTokens = LiveTokens(tokens)
        let matrix = try config.matrix.map {
            MatrixHub(config: $0, store: try MatrixStore(dataDirectory: dataDirectory), logger: logger)
        }
        let sessions = DashboardSessions()
        let hostConfig = HostConfigReloader(
            path: configPath, initial: config, tokens: liveTokens, remotePolicy: remotePolicy,
            brandBotAPIServers: brandBotAPIServers, sessions: sessions,
            audit: audit, logger: logger, defaultAdminTokenFile: madeAdminToken)
        let outcomes = ReloadOutcomeFile(dataDirectory: dataDirectory)
        // Set once the supervisor exists: the notes ask its readiness before announcing a reload.
        let readiness = Mutex<Readiness?>(nil)
        let reloadNotes = SystemdReloadNotes(
            environment: ProcessInfo.processInfo.environment, logger: logger,
            isReady: { readiness.withLock { $0?.isReady ?? false } })
        let supervisor = Supervisor(
            options: options, loader: loader,
            factory: TenantFactory(
                options: options, httpClient: httpClient, secret: secret, metricsFactory: metricsFactory,
                databases: databases, audit: audit, webhookRegistrations: webhookRegistrations, matrix: matrix),
            logger: logger, stopTimeout: .seconds(shutdownTimeout), stops: OperatorStops(database: hostDatabase),
            signalledReload: { report in
                await audit.record(
                    AuditEntry(
                        actor: "signal", action: "reload", outcome: report.errors.isEmpty ? "ok" : "errors",
                        detail: report.summary))
            },
            scanned: { report, began in
                reloadNotes.scanned(began: began)
                var report = report
                report.errors = hostConfig.errors + report.errors
                do {
                    try outcomes.write(ReloadOutcome(report, began: began))
                } catch {
                    logger.error("cannot keep the reload's outcome for aviary reload: \(error)")
                }
            })
        supervisor.readiness.watch(recentErrors)
        readiness.withLock { $0 = supervisor.readiness }
        var surface = HTTPSurface(
            supervisor: supervisor, loader: loader, secret: secret, tokens: liveTokens,
            registry: registry, recentErrors: recentErrors,
            editor: ManifestEditor(options: options, loader: loader), audit: audit,
            limiter: config.failedAuthLimiter, sessions: sessions, settings: config.http)
        surface.hostConfig = hostConfig
        surface.matrix = matrix
        let host = httpHost
        let server = try surface.application(host: host, port: httpPort, logger: logger) { port in
            logger.info("http listening on \(host):\(port)", metadata: ["http_port": "\(port)"])
            logger.notice("dashboard at http://\(host):\(port)/ (sign in with a management token)")
            if let matrix { Task { await matrix.ping(httpClient: httpClient) } }
        }
        // Services stop in reverse order: the supervisor drains its bots while the HTTP surface
        // still answers (readyz 503, webhooks for stopping bots 503), then the server stops.
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: server),
                .init(service: supervisor),
                .init(
                    service: ReloadSignalService(
                        supervisor: supervisor, signals: reloadSignals,
                        beforeReload: {
                            reloadNotes.reloading()
                            await hostConfig.reload(actor: "signal")
                        })),
                .init(service: IdleDatabaseCloser(databases: databases, logger: logger)),
                .init(service: HeapTrimService()),
                .init(
                    service: RetentionService(
                        table: supervisor.table, options: options, databases: databases, logger: logger)),
            ],
            logger: logger)
        if let backups = config.backups {
            configuration.services.append(
                .init(
                    service: BackupScheduler(
                        config: backups, table: supervisor.table, options: options, databases: databases,
                        board: supervisor.backups, logger: logger, metricsFactory: metricsFactory, audit: audit)))
        }
        // Last, so it stops first: systemd hears STOPPING=1 before the bots drain.
        configuration.services.append(
            .init(
                service: SystemdNotifyService(
                    environment: ProcessInfo.processInfo.environment, logger: logger,
                    isReady: { supervisor.readiness.isReady })))
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        configuration.maximumGracefulShutdownDuration = .seconds(shutdownTimeout)
        let group = ServiceGroup(configuration: configuration)
        let watchdog = ShutdownWatchdog(timeout: .seconds(shutdownTimeout), logger: logger)
        defer { withExtendedLifetime(watchdog) {} }
        logger.info(
            "aviary starting",
            metadata: [
                "bots_dir": "\(botsDirectory)", "data_dir": "\(dataDirectory)",
                "pid": "\(ProcessInfo.processInfo.processIdentifier)",
            ])
        do {
            try await group.run()
        } catch {
            logger.error("host stopped with an error: \(error)")
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        logger.info("aviary stopped")
    }
}

extension RunCommand {
    /// With no admin token given (no `AVIARY_ADMIN_TOKEN`, no `api.admin_token_file`), points
    /// `config` at `<data-dir>/admin.token`, made on the first run, and logs where it is (never
    /// the token). Answers that file, which host config reloads keep using, or `nil`.
    static func defaultAdminToken(
        for config: inout HostConfig, dataDirectory: String, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String? {
        guard config.adminTokenFile == nil, environment["AVIARY_ADMIN_TOKEN"]?.isEmpty ?? true else { return nil }
        let file = AdminTokenFile(dataDirectory: dataDirectory)
        let made = try file.make()
        config.adminTokenFile = file.path
        let what = made ? "made an admin token" : "the admin token is"
        logger.notice(
            """
            \(what) in \(file.path) (no AVIARY_ADMIN_TOKEN or api.admin_token_file given): \
            sign in to the dashboard and the API with it
            """)
        return file.path
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension HTTPClient.Configuration {
    /// One connection per long-polling bot must never queue behind another bot's poll.
    static var aviaryDefault: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(90), concurrentHTTP1ConnectionsPerHostSoftLimit: 100_000)
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        return configuration
    }
}
