import Plugins

extension PluginRegistry {
    /// The plugins that ship with Aviary: `echo`, `replies`, `admin`, `followups`, `dating`,
    /// `companion`, and `remote` (a plugin in its own process, over HTTP).
    static func builtIn() -> PluginRegistry {
        var registry = PluginRegistry()
        registry.register(EchoPlugin.self)
        registry.register(RepliesPlugin.self)
        registry.register(AdminPlugin.self)
        registry.register(FollowupsPlugin.self)
        registry.register(DatingPlugin.self)
        registry.register(CompanionPlugin.self)
        registry.register(RemotePlugin.self)
        return registry
    }
}
