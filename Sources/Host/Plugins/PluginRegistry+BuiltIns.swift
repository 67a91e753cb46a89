import Plugins

extension PluginRegistry {
    /// The plugins that ship with Aviary: `echo`, `replies`, `admin` and `companion`.
    static func builtIn() -> PluginRegistry {
        var registry = PluginRegistry()
        registry.register(EchoPlugin.self)
        registry.register(RepliesPlugin.self)
        registry.register(AdminPlugin.self)
        registry.register(CompanionPlugin.self)
        return registry
    }
}
