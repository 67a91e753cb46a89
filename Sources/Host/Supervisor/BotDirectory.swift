import Foundation
import Synchronization
import Tenant

/// Every bot the supervisor knows, readable from any task without waiting for the supervisor:
/// webhook ingress and the management API look bots up here while a reload is draining others.
final class BotDirectory: Sendable {
    /// One bot as the host knows it.
    struct Entry: Sendable {
        /// The manifest it runs (or would run, when stopped by an operator).
        var manifest: BotManifest
        /// The running Tenant; `nil` when the bot is stopped or could not be created.
        var tenant: Tenant?
        /// When the current run started.
        var startedAt: Date?
        /// Whether an operator stopped it; reloads leave it stopped until it is started again.
        var stoppedByOperator: Bool = false
    }

    private let entries = Mutex<[String: Entry]>([:])

    init() {}

    /// The bot with this id.
    subscript(id: String) -> Entry? {
        entries.withLock { $0[id] }
    }

    /// Every bot, ordered by id.
    var all: [Entry] {
        entries.withLock { Array($0.values) }.sorted { $0.manifest.id < $1.manifest.id }
    }

    /// Records or replaces a bot.
    func set(_ entry: Entry) {
        entries.withLock { $0[entry.manifest.id] = entry }
    }

    /// Forgets a bot.
    func remove(_ id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}
