public import GRDB
/// One schema step of a plugin's own tables.
///
/// Migrations are registered as `plugin.<plugin name>.<identifier>` so that two plugins never
/// collide, and each plugin's list runs in its own migrator: adding, removing or reordering
/// plugins in a manifest never confuses another plugin's history.
///
/// - Important: Once shipped, a migration is frozen. Change the schema by appending a new one.
public struct PluginMigration: Sendable {
    /// A name unique within the plugin, such as `"v1"` or `"add-profiles"`.
    public let identifier: String
    /// The schema change, run inside a transaction.
    public let migrate: @Sendable (Database) throws -> Void

    /// Creates a migration step.
    public init(_ identifier: String, migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.migrate = migrate
    }
}

/// The migrations of one plugin, namespaced by its name.
public struct PluginMigrations: Sendable {
    /// The plugin's registry name, used as the namespace.
    public let pluginName: String
    /// The plugin's steps in order.
    public let steps: [PluginMigration]

    /// Groups a plugin's steps under its name.
    public init(pluginName: String, steps: [PluginMigration]) {
        self.pluginName = pluginName
        self.steps = steps
    }
}
