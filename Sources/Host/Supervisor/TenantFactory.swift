import AsyncHTTPClient
import Foundation
import Logging
import Tenant

/// Builds the Tenant for a loaded manifest: its platform client, decoder and configuration.
struct TenantFactory: Sendable {
    let options: HostOptions
    let httpClient: HTTPClient

    /// The Tenant settings a manifest asks for.
    static func configuration(for bot: LoadedBot, options: HostOptions) -> TenantConfiguration {
        TenantConfiguration(
            bot: bot.descriptor,
            databasePath: options.databasePath(for: bot.manifest),
            pollTimeout: .seconds(bot.manifest.telegram.pollTimeout),
            limits: bot.manifest.limits)
    }

    /// Creates a Tenant that reports its state changes to `onStateChange`.
    func makeTenant(
        for bot: LoadedBot, logger: Logger, onStateChange: @escaping @Sendable (TenantState) -> Void
    ) -> Tenant {
        let manifest = bot.manifest
        let configuration = Self.configuration(for: bot, options: options)
        let client = TelegramClient(
            token: manifest.token?.value ?? "", apiURL: manifest.telegram.apiURL, httpClient: httpClient,
            logger: logger)
        return Tenant(
            configuration: configuration, platform: client, poller: client, decoder: TelegramUpdateDecoder(),
            plugins: bot.plugins, migrations: bot.migrations, logger: logger, onStateChange: onStateChange)
    }
}
