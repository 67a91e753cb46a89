import Synchronization

/// A host config value in force, shared by its readers and the host config's reload (which
/// replaces it), so that a changed section applies at the next reload like the rest of the
/// host config. The manifest loader reads the remote plugin policy and the brands' Bot API
/// servers this way at every validation; the management API, its tokens at every request.
final class LiveSetting<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    /// A setting whose value is `value` until replaced.
    init(_ value: Value) {
        self.value = Mutex(value)
    }

    /// The value in force.
    var current: Value { value.withLock { $0 } }

    /// Puts `new` in force.
    func replace(with new: Value) {
        value.withLock { $0 = new }
    }
}

/// The ``RemotePluginPolicy`` in force (`remote_plugins:`).
typealias LiveRemotePluginPolicy = LiveSetting<RemotePluginPolicy>

/// The Bot API servers a brand's manifest may name besides Telegram's (`telegram:`).
typealias LiveBrandBotAPIServers = LiveSetting<BrandBotAPIServers>

extension LiveSetting where Value == RemotePluginPolicy {
    /// A policy allowing any host.
    convenience init() { self.init(RemotePluginPolicy()) }
}

extension LiveSetting where Value == BrandBotAPIServers {
    /// Telegram's own Bot API only.
    convenience init() { self.init(BrandBotAPIServers()) }
}
