import Foundation
import Logging
import Tenant

extension TenantFactory {
    /// The Tenant of a `platform: matrix` bot: a user of the host's application service whose
    /// updates come from the host's spool.
    ///
    /// - Throws: ``TenantError`` when the host config declares no `matrix:` service, or the
    ///   bot's localpart is outside the service's namespace.
    func makeMatrixTenant(
        for bot: LoadedBot,
        configuration: TenantConfiguration,
        logger: Logger,
        onStateChange: @escaping @Sendable (TenantState) -> Void,
        onEvent: @escaping @Sendable (TenantEvent) -> Void
    ) throws -> Tenant {
        let manifest = bot.manifest
        guard let hub = matrix else {
            throw TenantError(
                botID: manifest.id,
                reason: "platform: matrix needs the host config's matrix: section (the application service)"
            )
        }
        guard let settings = manifest.matrix, settings.localpart.hasPrefix(hub.config.userPrefix) else {
            throw TenantError(
                botID: manifest.id,
                reason: "matrix.localpart must begin with the host's matrix.user_prefix '\(hub.config.userPrefix)'"
            )
        }
        var account = MatrixClient.Account(
            homeserver: settings.homeserver ?? hub.config.homeserver,
            localpart: settings.localpart,
            serverName: hub.config.serverName,
            displayName: settings.displayName ?? manifest.name,
            avatarURL: settings.avatarURL
        )
        account.messageType = settings.messageType
        let client = MatrixClient(
            account: account,
            asToken: hub.config.asToken,
            directory: hub.store,
            httpClient: httpClient,
            logger: logger
        )
        let poller = MatrixSpoolPoller(
            user: account.userID,
            store: hub.store,
            doorbells: hub.doorbells,
            client: client,
            logger: logger,
            backfill: { _ = try hub.ingest($0) }
        )
        return Tenant(
            configuration: configuration,
            platform: client,
            source: .polling(poller, webhooks: nil),
            decoder: MatrixUpdateDecoder(),
            plugins: bot.plugins,
            migrations: bot.migrations,
            databases: databases,
            startGate: startGate,
            logger: logger,
            metricsFactory: metricsFactory,
            onStateChange: onStateChange,
            onEvent: onEvent
        )
    }
}
