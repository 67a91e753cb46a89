import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Storage

/// The host's one HTTP port: webhooks, the management API, the dashboard, metrics and health checks.
struct HTTPSurface: Sendable {
    let supervisor: Supervisor
    let loader: ManifestLoader
    let secret: HostSecret
    let tokens: LiveTokens
    let registry: MetricsRegistry
    let recentErrors: RecentErrors
    /// Reads and writes the manifest files for the API.
    let editor: ManifestEditor
    /// Where changes are recorded.
    let audit: AuditLog
    /// Failed bearer-token attempts per address.
    var limiter = FailedAuthLimiter()
    /// Signed-in dashboard users.
    var sessions = DashboardSessions()
    /// The pace of the dashboard's live feed.
    var liveFeed = Dashboard.LiveFeed()
    /// Timeouts, the connection cap and the trusted proxies.
    var settings = HTTPServerSettings()
    /// Reads the host config again on reload, when the host runs with one.
    var hostConfig: HostConfigReloader?
    /// Where refused webhook deliveries are counted.
    var webhookRefusals = WebhookRefusals()
    /// The Matrix application service, when the host config declares one (`matrix:`).
    var matrix: MatrixHub?
    /// How long one rendering of `/metrics` is served to every scrape (``ScrapeCache``).
    var metricsReuse: Duration = .seconds(1)

    /// Every route.
    func router() throws -> Router<HostRequestContext> {
        let router = Router(context: HostRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: BodyLimitMiddleware())
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let report = supervisor.readiness.report
            return Response(
                status: report.isReady ? .ok : .serviceUnavailable,
                body: .init(byteBuffer: ByteBuffer(string: report.text)))
        }
        MetricsEndpoint(
            registry: registry, table: supervisor.table,
            databases: supervisor.databases, options: supervisor.options, cache: ScrapeCache(interval: metricsReuse))
            .register(on: router)
        WebhookRoute(table: supervisor.table, secret: secret, refusals: webhookRefusals).register(on: router)
        if let matrix { MatrixTransactionRoute(hub: matrix).register(on: router) }
        let api = ManagementAPI(
            supervisor: supervisor, loader: loader, recentErrors: recentErrors, tokens: tokens, limiter: limiter,
            editor: editor, audit: audit, proxies: settings.trustedProxies, hostConfig: hostConfig)
        api.register(on: router)
        var dashboard = Dashboard(api: api, sessions: sessions, templates: try DashboardTemplates(), liveFeed: liveFeed)
        dashboard.matrix = matrix
        dashboard.register(on: router)
        return router
    }

    /// The server, listening on `host:port` (port 0 picks a free one); `onListening` learns the port.
    ///
    /// Idle connections and requests whose headers never complete are closed after
    /// ``HTTPServerSettings/idleTimeout``, a request must arrive whole within
    /// ``HTTPServerSettings/requestTimeout``, and at most ``HTTPServerSettings/maximumConnections``
    /// are open at once.
    func application(
        host: String, port: Int, logger: Logger, onListening: @escaping @Sendable (Int) -> Void
    ) throws -> some ApplicationProtocol {
        let settings = settings
        return Application(
            router: try router(),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        RequestGuardHandler(timeout: settings.requestTimeout, maximumBody: settings.maximumBody)
                    ],
                    idleTimeout: TimeAmount(settings.idleTimeout))),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "aviary",
                availableConnectionsDelegate: MaximumAvailableConnections(settings.maximumConnections, logger: logger)),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
