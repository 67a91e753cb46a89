import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import Storage
import Tenant

/// Builds the Tenant for a loaded manifest: its platform (Telegram, or the in-process
/// sandbox), update source, decoder and configuration.
struct TenantFactory: Sendable {
    let options: HostOptions
    let httpClient: HTTPClient
    let secret: HostSecret
    let metricsFactory: any MetricsFactory
    /// The host's bound on open bot databases, shared by every bot.
    var databases = OpenDatabases()
    /// The sandboxes of sandbox bots.
    var sandboxes = SandboxRegistry()
    /// Where what bots report (a person forgotten or exported) is recorded; `nil` records nothing.
    var audit: AuditLog?
    /// Where the bots' webhook registrations are kept host-wide; `nil` keeps each in its bot's
    /// file (which starting a webhook bot then creates).
    var webhookRegistrations: WebhookRegistrations?
    /// Bounds how many bots start at once, so that a host starting thousands of bots holds a
    /// few hundred start-ups in memory and opens a few hundred connections, not thousands.
    var startGate = StartGate()
    /// The Matrix application service, when the host config declares one.
    var matrix: MatrixHub?

    /// The Tenant settings a manifest asks for.
    static func configuration(for bot: LoadedBot, options: HostOptions) -> TenantConfiguration {
        TenantConfiguration(
            bot: bot.descriptor,
            databasePath: options.databasePath(for: bot.manifest),
            pollTimeout: .seconds(bot.manifest.telegram.pollTimeout), flushTimeout: options.flushTimeout,
            limits: bot.manifest.limits)
    }

    /// Creates a Tenant that reports its state changes to `onStateChange`.
    ///
    /// - Throws: ``TenantError`` when the manifest cannot run on this host: a webhook bot on a
    ///   host started without `--public-url`, or a database that a symbolic link leads outside
    ///   the data folder.
    func makeTenant(
        for bot: LoadedBot, logger: Logger, onStateChange: @escaping @Sendable (TenantState) -> Void
    ) throws -> Tenant {
        let manifest = bot.manifest
        let configuration = Self.configuration(for: bot, options: options)
        if let outside = DatabaseLocation.escape(of: configuration.databasePath, from: options.dataDirectory) {
            throw TenantError(
                botID: manifest.id,
                reason: "its database '\(manifest.databaseFile)' leads to \(outside), outside the data folder, through "
                    + "a symbolic link; databases stay inside --data-dir: remove the link or change `database:`")
        }
        if manifest.platform == .matrix {
            return try makeMatrixTenant(
                for: bot, configuration: configuration, logger: logger, onStateChange: onStateChange,
                onEvent: auditing(manifest))
        }
        if manifest.platform == .sandbox {
            let sandbox = sandboxes.platform(for: manifest.id, displayName: manifest.name)
            return Tenant(
                configuration: configuration, platform: sandbox, source: .pushed, decoder: SandboxUpdateDecoder(),
                plugins: bot.plugins, migrations: bot.migrations, databases: databases, logger: logger, metricsFactory: metricsFactory,
                onStateChange: onStateChange, onEvent: auditing(manifest))
        }
        let client = TelegramClient(
            token: manifest.token?.value ?? "", apiURL: manifest.telegram.apiURL, httpClient: httpClient,
            logger: logger, metrics: APICallMetrics(botID: manifest.id, factory: metricsFactory))
        let source: UpdateSource
        switch manifest.telegram.mode {
        case .polling:
            source = .polling(client, webhooks: client)
        case .webhook:
            guard let url = options.webhookURL(for: manifest.id) else {
                throw TenantError(
                    botID: manifest.id,
                    reason: "webhook mode needs the host's public address: start aviary with --public-url https://…")
            }
            source = .webhook(
                client,
                WebhookRegistration(
                    url: url, secret: secret.webhookSecret(for: manifest.id),
                    maxConnections: manifest.telegram.maxConnections))
        }
        return Tenant(
            configuration: configuration, platform: client, source: source, decoder: TelegramUpdateDecoder(),
            plugins: bot.plugins, migrations: bot.migrations, databases: databases,
            webhookRegistrations: webhookRegistrations, startGate: startGate, logger: logger, metricsFactory: metricsFactory,
            onStateChange: onStateChange, onEvent: auditing(manifest))
    }

    /// Records what the bot reports in the audit log: a person forgotten, as done by the bot
    /// itself (a plugin acted on a request in the chat); a person exported, as done by the admin
    /// who asked (`admin:<platform id>`).
    func auditing(_ manifest: BotManifest) -> @Sendable (TenantEvent) -> Void {
        guard let audit else { return { _ in } }
        let (bot, brand) = (manifest.id, manifest.brand)
        return { event in
            let (actor, action, userID, updateID): (String, String, Int64, Int64?) =
                switch event {
                case .personForgotten(let userID, let updateID): ("bot:\(bot)", "person.forgotten", userID, updateID)
                case .personExported(let userID, let asker, let updateID):
                    (asker.map { "admin:\($0)" } ?? "bot:\(bot)", "person.exported", userID, updateID)
                }
            let cause = updateID.map { "update \($0)" } ?? "a scheduled job"
            Task {
                await audit.record(
                    AuditEntry(
                        actor: actor, action: action, bot: bot, brand: brand, outcome: "ok",
                        detail: "user \(userID), asked in \(cause)"))
            }
        }
    }
}
