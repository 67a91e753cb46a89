import Plugins

extension PluginRegistry {
    /// The plugins that ship with Aviary: `echo`, `replies`, `admin`, `followups`, `dating` and
    /// `companion`.
    static func builtIn() -> PluginRegistry {
        var registry = PluginRegistry()
        registry.register(EchoPlugin.self)
        registry.register(RepliesPlugin.self)
        registry.register(AdminPlugin.self)
        registry.register(FollowupsPlugin.self)
        registry.register(DatingPlugin.self)
        registry.register(CompanionPlugin.self)
        return registry
    }
}
