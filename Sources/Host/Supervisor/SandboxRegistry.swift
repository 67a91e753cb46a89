import Synchronization
import Tenant

/// The sandbox platform of every sandbox bot, kept across the bot's restarts so that its
/// conversations survive a reload, and reachable from the management API.
final class SandboxRegistry: Sendable {
    private let platforms = Mutex<[String: SandboxPlatform]>([:])

    init() {}

    /// Bot `id`'s sandbox, made on first use.
    func platform(for id: String, displayName: String) -> SandboxPlatform {
        platforms.withLock { platforms in
            if let existing = platforms[id] { return existing }
            let platform = SandboxPlatform(botID: id, displayName: displayName)
            platforms[id] = platform
            return platform
        }
    }

    /// Bot `id`'s sandbox, if it has one.
    subscript(id: String) -> SandboxPlatform? {
        platforms.withLock { $0[id] }
    }
}
