import Plugins
import Yams

extension BotManifest.PluginSpec {
    /// The plugin's name as its errors, metrics and storage give it: `remote:<name>` for a
    /// remote plugin (a bot may list several), the registered name for every other.
    var instanceName: String {
        guard name == RemotePlugin.name, let own = configuration?.mapping?["name"]?.string else { return name }
        return RemotePlugin.instanceName(named: own)
    }
}
