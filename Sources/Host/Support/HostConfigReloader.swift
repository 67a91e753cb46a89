import Foundation
import Logging
import Storage
import Synchronization

/// Re-reads the host config on SIGHUP and `POST /api/v1/reload`: brand tokens added, removed,
/// replaced or renamed take effect at once (sessions signed in with a removed or replaced token
/// end), and a changed `remote_plugins:` or `telegram.brand_api_urls` applies to the manifests
/// validated from then on;
/// a config with errors keeps the last good one in force and says why.
///
/// The HTTP and storage settings are read at start only: a change to them is logged as waiting
/// for the next start.
final class HostConfigReloader: Sendable {
    /// The file, or `nil` when the host runs without one.
    let path: String?
    private let tokens: LiveTokens
    private let remotePolicy: LiveRemotePluginPolicy
    private let brandBotAPIServers: LiveBrandBotAPIServers
    private let sessions: DashboardSessions
    private let audit: AuditLog
    private let logger: Logger
    private let environment: [String: String]
    private let lastGood: Mutex<HostConfig>
    private let refusal = Mutex<[String]>([])
    /// The admin token file used when the file names none (`<data-dir>/admin.token`), if any.
    private let defaultAdminTokenFile: String?

    /// The config in force: the last one taken.
    var current: HostConfig { lastGood.withLock { $0 } }

    /// The errors of the latest reload of the file, one per line; empty when it was taken.
    var errors: [String] { refusal.withLock { $0 } }

    /// A reloader of `path`, whose config in force is `initial`, swapping `tokens`,
    /// `remotePolicy` and `brandBotAPIServers`.
    init(
        path: String?,
        initial: HostConfig,
        tokens: LiveTokens,
        remotePolicy: LiveRemotePluginPolicy = LiveRemotePluginPolicy(),
        brandBotAPIServers: LiveBrandBotAPIServers = LiveBrandBotAPIServers(),
        sessions: DashboardSessions,
        audit: AuditLog,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        defaultAdminTokenFile: String? = nil
    ) {
        self.defaultAdminTokenFile = defaultAdminTokenFile
        self.path = path
        self.tokens = tokens
        self.remotePolicy = remotePolicy
        self.brandBotAPIServers = brandBotAPIServers
        self.sessions = sessions
        self.audit = audit
        self.logger = logger
        self.environment = environment
        lastGood = Mutex(initial)
    }

    /// Reads the file again and puts its tokens in force; the errors, one per line, when the
    /// file is refused (the last good config then stays in force). Records the outcome as
    /// `actor`'s `host_config.reloaded`.
    @discardableResult
    func reload(actor: String, address: String? = nil) async -> [String] {
        guard let path else { return [] }
        let old = lastGood.withLock { $0 }
        let new: HostConfig
        let newTokens: APITokens
        do {
            var loaded = try HostConfig.load(path: path, environment: environment)
            if loaded.adminTokenFile == nil { loaded.adminTokenFile = defaultAdminTokenFile }
            new = loaded
            newTokens = try new.apiTokens(environment: environment)
        } catch {
            let lines = "\(error)".split(separator: "\n").map(String.init)
            logger.error("host config refused; the last good one stays in force:\n\(lines.joined(separator: "\n"))")
            await audit.record(
                AuditEntry(
                    actor: actor,
                    address: address,
                    action: "host_config.reloaded",
                    outcome: "kept_last_good",
                    detail: lines.joined(separator: "\n")
                )
            )
            let errors = lines.map { "\($0) (the last good host config stays in force)" }
            refusal.withLock { $0 = errors }
            return errors
        }
        refusal.withLock { $0 = [] }
        var kept = new
        kept.http.trustedProxies = old.http.trustedProxies
        lastGood.withLock { $0 = kept }
        tokens.replace(with: newTokens)
        remotePolicy.replace(with: new.remotePlugins)
        brandBotAPIServers.replace(with: new.brandBotAPIServers)
        let changes = Self.changes(from: old, to: new)
        let ended = Set(old.brandTokens.keys).filter { new.brandTokens[$0] != old.brandTokens[$0] }
        if !ended.isEmpty { sessions.close(brands: ended) }
        if old.http != new.http || old.maxOpenDatabases != new.maxOpenDatabases
            || old.idleCloseAfter != new.idleCloseAfter
            || old.failedAuthPerMinute != new.failedAuthPerMinute
        {
            logger.notice("host config: the http, storage and failed_auth_per_minute settings apply at the next start")
        }
        logger.notice("host config reloaded: \(changes.isEmpty ? "no token changes" : changes.joined(separator: "; "))")
        await audit.record(
            AuditEntry(
                actor: actor,
                address: address,
                action: "host_config.reloaded",
                outcome: "ok",
                detail: changes.isEmpty ? nil : changes.joined(separator: "\n")
            )
        )
        return []
    }

    /// `brand token added: han`, `… removed`, `… replaced`, `brand han renamed: "A" → "B"`,
    /// `remote plugin hosts changed (remote_plugins)`.
    static func changes(from old: HostConfig, to new: HostConfig) -> [String] {
        var lines: [String] = []
        for brand in Set(old.brandTokens.keys).union(new.brandTokens.keys).sorted() {
            switch (old.brandTokens[brand], new.brandTokens[brand]) {
            case (nil, _?): lines.append("brand token added: \(brand)")
            case (_?, nil): lines.append("brand token removed: \(brand)")
            case (let was?, let now?) where was.lowercased() != now.lowercased():
                lines.append("brand token replaced: \(brand)")
            default: break
            }
            if new.brandTokens[brand] != nil, old.brandNames[brand] != new.brandNames[brand] {
                let was = old.brandNames[brand].map { "\"\($0)\"" } ?? "(none)"
                let now = new.brandNames[brand].map { "\"\($0)\"" } ?? "(none)"
                lines.append("brand \(brand) renamed: \(was) → \(now)")
            }
        }
        if old.adminTokenFile != new.adminTokenFile { lines.append("admin token file changed") }
        if old.remotePlugins != new.remotePlugins { lines.append("remote plugin hosts changed (remote_plugins)") }
        if old.brandBotAPIServers != new.brandBotAPIServers {
            lines.append("brands' Bot API servers changed (telegram.brand_api_urls)")
        }
        return lines
    }
}
