import Storage
import Tenant

/// A manifest that loaded, with its plugins created and ready to run.
struct LoadedBot: Sendable {
    /// The validated manifest.
    var manifest: BotManifest
    /// The plugins, in manifest (pipeline) order.
    var plugins: [any Plugin]
    /// Each plugin's schema steps, in plugin order.
    var migrations: [PluginMigrations]
    /// The update kinds the bot's plugins want: the union of their interests.
    var interests: Set<UpdateKind>
    /// What the plugins know about the bot.
    var descriptor: BotDescriptor
}

/// The result of scanning a manifest folder.
struct ManifestScan: Sendable {
    /// Bots whose manifest is valid, enabled or not (the supervisor starts only enabled ones).
    var bots: [LoadedBot]
    /// Every error, grouped by file in file order, then by line; a file with errors yields no bot.
    var errors: [ManifestError]
}
