import Hummingbird
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Storage
import Synchronization
import Tenant

/// `GET /metrics`: the Prometheus text format. Queue depths, bots by state and open databases
/// are read at scrape time, at most once a second (``ScrapeCache``); everything else is counted
/// as it happens. The series of a bot that left the table are dropped at the next scrape.
final class MetricsEndpoint: Sendable {
    let registry: MetricsRegistry
    let table: BotTable
    let databases: OpenDatabases
    /// Where the bots' databases are, for their sizes.
    let options: HostOptions
    /// Bots in the table at the last scrape, so that the series of removed bots are dropped.
    private let exported = Mutex<Set<String>>([])
    /// One rendering a second at most, however many scrapes arrive.
    let cache: ScrapeCache

    init(
        registry: MetricsRegistry, table: BotTable, databases: OpenDatabases, options: HostOptions,
        cache: ScrapeCache = ScrapeCache()
    ) {
        self.cache = cache
        self.registry = registry
        self.table = table
        self.databases = databases
        self.options = options
    }

    /// Adds the route to `router`.
    func register(on router: Router<HostRequestContext>) {
        router.get("metrics") { _, _ in
            let body = await self.cache.body {
                await self.refreshGauges()
                return ByteBuffer(bytes: self.registry.bytes)
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }

    private func refreshGauges() async {
        let entries = table.all
        for entry in entries {
            let depths = await entry.tenant?.queueDepths() ?? (inbox: 0, outbox: 0)
            let bot = [("bot", entry.manifest.id)]
            gauge(MetricCatalog.inboxDepth, bot).set(Double(depths.inbox))
            gauge(MetricCatalog.outboxDepth, bot).set(Double(depths.outbox))
            let size = Self.bytesOnDisk(options.databasePath(for: entry.manifest))
            gauge(MetricCatalog.databaseBytes, bot).set(Double(size))
        }
        let current = Set(entries.map(\.manifest.id))
        let removed = exported.withLock { exported in
            defer { exported = current }
            return exported.subtracting(current)
        }
        for id in removed { registry.removeSeries(bot: id) }
        var counts = Dictionary(uniqueKeysWithValues: TenantState.names.map { ($0, 0) })
        for entry in entries { counts[entry.state.name, default: 0] += 1 }
        for (name, count) in counts {
            gauge(MetricCatalog.botsByState, [("state", name)]).set(Double(count))
        }
        for (name, value) in [
            (MetricCatalog.openDatabases, databases.openCount), (MetricCatalog.openDatabasesLimit, databases.limit),
            (MetricCatalog.databaseWaiters, databases.waitingCount),
        ] {
            gauge(name, []).set(Double(value))
        }
    }

    private func gauge(_ name: String, _ labels: [(String, String)]) -> GaugeSeries {
        registry.gauge(name, help: MetricCatalog.helpText(name), labels: labels)
    }
}

extension MetricsEndpoint {
    /// The bytes a bot's database takes on disk: the file and its WAL (0 when it has none yet).
    static func bytesOnDisk(_ path: String) -> Int64 {
        ["", "-wal"].reduce(0) { total, suffix in
            var info = stat()
            return total + (lstat(path + suffix, &info) == 0 ? Int64(info.st_size) : 0)
        }
    }
}

extension TenantState {
    /// Every state's name, for labels and the API.
    static let names = ["starting", "running", "stopping", "stopped", "failed"]

    /// The state's name without its reason.
    var name: String {
        switch self {
        case .starting: "starting"
        case .running: "running"
        case .stopping: "stopping"
        case .stopped: "stopped"
        case .failed: "failed"
        }
    }
}
