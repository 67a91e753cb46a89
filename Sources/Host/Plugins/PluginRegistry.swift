import Tenant

/// The plugins a host knows, by the name manifests use. The host owns it; plugins never see it.
///
/// ```swift
/// var registry = PluginRegistry.builtIn()
/// registry.register(MyPlugin.self)
/// let loader = ManifestLoader(registry: registry)
/// ```
struct PluginRegistry: Sendable {
    /// How to build one plugin from its manifest settings.
    struct Entry: Sendable {
        /// The name manifests use.
        let name: String
        /// Whether the plugin has settings; one without refuses any.
        let takesSettings: Bool
        /// The plugin's schema steps.
        let migrations: [PluginMigration]
        /// Decodes the settings into the plugin's `Configuration` and creates the plugin.
        let make: @Sendable (NodeDecoder, BotDescriptor) throws(PluginBuildFailure) -> any Plugin
    }

    private var entries: [String: Entry] = [:]

    /// An empty registry.
    init() {}

    /// Adds a plugin under its ``Plugin/name``.
    ///
    /// - Precondition: No plugin of that name is registered yet.
    mutating func register<P: Plugin>(_ type: P.Type) {
        precondition(entries[P.name] == nil, "plugin '\(P.name)' is registered twice")
        entries[P.name] = Entry(
            name: P.name,
            takesSettings: P.Configuration.self != NoConfiguration.self,
            migrations: P.migrations,
            make: { decoder, bot throws(PluginBuildFailure) in
                let configuration: P.Configuration
                do {
                    configuration = try decoder.decode(P.Configuration.self)
                } catch {
                    throw .settings(error)
                }
                do {
                    return try P(configuration: configuration, bot: bot)
                } catch {
                    throw .plugin(error)
                }
            }
        )
    }

    /// The registered names, sorted.
    var names: [String] { entries.keys.sorted() }

    /// The plugin registered as `name`, if any.
    func entry(named name: String) -> Entry? {
        entries[name]
    }
}

/// Why a plugin could not be built from its settings.
enum PluginBuildFailure: Error {
    /// The settings did not decode into the plugin's `Configuration`.
    case settings(any Error)
    /// The plugin's initializer refused the decoded settings.
    case plugin(any Error)
}
