import Plugins
import Tenant

/// Every metric the host exports, with its Prometheus help text. The README's metrics table
/// lists the same names.
enum MetricCatalog {
    /// Gauge: updates held in memory waiting or being handled, per bot.
    static let inboxDepth = "aviary_inbox_depth"
    /// Gauge: messages held in memory waiting or being sent, per bot.
    static let outboxDepth = "aviary_outbox_depth"
    /// Gauge: bots by state.
    static let botsByState = "aviary_bots"
    /// Gauge: bot databases open now.
    static let openDatabases = "aviary_open_databases"
    /// Gauge: the most bot databases open at once (`storage.max_open_databases`).
    static let openDatabasesLimit = "aviary_open_databases_limit"
    /// Gauge: bots waiting for a database slot now.
    static let databaseWaiters = "aviary_database_waiters"

    /// Gauge: the bytes a bot's database takes on disk (the file and its WAL), per bot.
    static let databaseBytes = "aviary_database_bytes"

    /// Gauge: when a bot's last scheduled backup that reached every destination was taken.
    static let backupLastSuccess = "aviary_backup_last_success_timestamp_seconds"
    /// Gauge: the size of a bot's last scheduled backup.
    static let backupSize = "aviary_backup_last_size_bytes"
    /// Counter: a bot's scheduled backups that failed.
    static let backupFailures = "aviary_backup_failures_total"

    /// Help text by metric name.
    static let help: [String: String] = [
        TenantMetricName.updatesReceived: "Updates stored in the inbox, by bot and update type.",
        TenantMetricName.updatesHandled: "Updates whose effects were committed, by bot.",
        TenantMetricName.updatesFailed: "Updates that could not be decoded or on which a plugin threw, by bot.",
        TenantMetricName.messagesSent: "Messages the platform accepted, by bot.",
        TenantMetricName.deadLetters: "Messages given up on (dead letters), by bot.",
        TenantMetricName.rateLimited: "429 Too Many Requests answers from the platform, by bot.",
        TenantMetricName.updateHandling: "Seconds from taking an update out of the inbox to committing its effects, by bot.",
        TenantMetricName.apiCall: "Seconds one Bot API call took, answered or not, by bot and method.",
        inboxDepth: "Updates waiting or being handled, by bot.",
        outboxDepth: "Messages waiting or being sent, by bot.",
        botsByState: "Bots by state (starting, running, stopping, stopped, failed).",
        openDatabases: "Bot databases open now, being opened or being closed, host-wide.",
        openDatabasesLimit: "The most bot databases open at once (storage.max_open_databases).",
        backupLastSuccess: "When the bot's last scheduled backup that reached every destination was taken, Unix seconds.",
        backupSize: "The size in bytes of the bot's last scheduled backup's database.",
        backupFailures: "Scheduled backups of the bot that failed (after their retries), by bot.",
        databaseBytes: "Bytes a bot's database takes on disk (the file and its WAL), by bot.",
        databaseWaiters: "Bots waiting for a database slot now, because every open database is busy.",
        CompanionMetricName.modelErrors:
            "Companion model calls that gave no answer (the person got the fallback), by bot and reason.",
        CompanionMetricName.rateLimited: "Companion messages refused because the person was over rate_limit, by bot.",
        RemoteMetricName.calls: "Calls made to a remote plugin, answered or not, by bot and plugin.",
        RemoteMetricName.latency: "Seconds one call to a remote plugin took, answered or not, by bot and plugin.",
        RemoteMetricName.failures:
            "Failed calls to a remote plugin, by bot, plugin and kind (timeout, refused, server_error, "
            + "client_error, bad_answer, circuit_open).",
        RemoteMetricName.breakerOpen: "1 while the remote plugin's circuit breaker is open, else 0, by bot and plugin.",
    ]

    /// Histogram buckets of each timer: update handling is milliseconds, API calls include
    /// long polls of up to 50 s.
    static let buckets: [String: [Duration]] = [
        TenantMetricName.updateHandling: [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ],
        RemoteMetricName.latency: [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
            .seconds(30),
        ],
        TenantMetricName.apiCall: [
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60),
        ],
    ]

    /// The help text of metric `name`.
    static func helpText(_ name: String) -> String {
        help[name] ?? "Aviary metric \(name)."
    }
}
