import Tenant

/// The plugins a host knows, by the name manifests use. The host owns it; plugins never see it.
struct PluginRegistry: Sendable {
    /// How to build one plugin from its manifest settings.
    struct Entry: Sendable {
        var name: String
        var takesNoConfiguration: Bool
        var migrations: [PluginMigration]
        var make: @Sendable (NodeDecoder, BotDescriptor) throws -> any Plugin
    }

    private(set) var entries: [String: Entry] = [:]

    /// An empty registry.
    init() {}

    /// Adds a plugin under its ``Plugin/name``.
    ///
    /// - Precondition: No plugin of that name is registered yet.
    mutating func register<P: Plugin>(_ type: P.Type) {
        precondition(entries[P.name] == nil, "plugin '\(P.name)' is registered twice")
        entries[P.name] = Entry(
            name: P.name, takesNoConfiguration: P.Configuration.self == NoConfiguration.self,
            migrations: P.migrations,
            make: { decoder, bot in
                let configuration = try decoder.decode(P.Configuration.self)
                return try P(configuration: configuration, bot: bot)
            })
    }

    /// The registered names, sorted.
    var names: [String] { entries.keys.sorted() }
}
