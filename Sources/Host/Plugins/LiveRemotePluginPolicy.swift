import Synchronization

/// The ``RemotePluginPolicy`` in force, shared by the manifest loader (every validation reads
/// it) and the host config's reload (which replaces it), so a changed `remote_plugins:` applies
/// at the next reload like the rest of the host config.
final class LiveRemotePluginPolicy: Sendable {
    private let policy: Mutex<RemotePluginPolicy>

    /// A policy in force from the start; any host when none is given.
    init(_ policy: RemotePluginPolicy = RemotePluginPolicy()) {
        self.policy = Mutex(policy)
    }

    /// The policy in force.
    var current: RemotePluginPolicy { policy.withLock { $0 } }

    /// Puts `new` in force.
    func replace(with new: RemotePluginPolicy) {
        policy.withLock { $0 = new }
    }
}
