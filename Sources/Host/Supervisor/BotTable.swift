import Foundation
import Synchronization
import Tenant

/// Every bot the supervisor knows, with its manifest, its current run and its state: the one
/// table that webhook ingress, the management API, the dashboard, metrics and readiness read.
///
/// It is readable from any task without waiting for the supervisor, which looks bots up here
/// while a reload is draining others. A bot's manifest, run and state change under one lock, so
/// no reader sees a bot listed without its state or with the state of a run that ended: a state
/// reported by a run that is no longer the bot's current one is ignored.
final class BotTable: Sendable {
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
        /// Its last known state.
        var state: TenantState
        /// Which run of the bot this entry describes; states reported by other runs are ignored.
        var run: Int = 0
        /// The errors in its manifest file that hold a newer version back: while there are any,
        /// the bot keeps its last good manifest (``manifest``).
        var manifestErrors: [String] = []
    }

    /// An entry kept by reference: the table holds a pointer a bot, not a manifest's worth
    /// of bytes in every slot of its hash table.
    private final class Stored: Sendable {
        let entry: Entry

        init(_ entry: Entry) {
            self.entry = entry
        }
    }

    private struct Waiter {
        let condition: @Sendable ([String: TenantState]) -> Bool
        let continuation: CheckedContinuation<[String: TenantState], Never>
    }

    private struct State {
        var entries: [String: Stored] = [:]
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        var nextRun = 0

        var states: [String: TenantState] { entries.mapValues(\.entry.state) }
    }

    private let state = Mutex(State())

    init() {}

    /// The bot with this id.
    subscript(id: String) -> Entry? {
        state.withLock { $0.entries[id]?.entry }
    }

    /// Every bot, ordered by id.
    var all: [Entry] {
        state.withLock { $0.entries.values.map(\.entry) }.sorted { $0.manifest.id < $1.manifest.id }
    }

    /// Whether some bot satisfies `predicate`; stops at the first that does, without copying
    /// or sorting the table (readiness asks this at every bot's state change).
    func contains(where predicate: (Entry) -> Bool) -> Bool {
        state.withLock { $0.entries.values.contains { predicate($0.entry) } }
    }

    /// Every bot's state, by id.
    var snapshot: [String: TenantState] { state.withLock { $0.states } }

    /// A new run number, for ``set(_:)`` and ``setState(_:to:run:)``.
    func newRun() -> Int {
        state.withLock { state in
            state.nextRun += 1
            return state.nextRun
        }
    }

    /// Records or replaces a bot.
    func set(_ entry: Entry) {
        update { $0[entry.manifest.id] = Stored(entry) }
    }

    /// Records the state run `run` of bot `id` reported; ignored when that run is no longer
    /// the bot's current one, or the bot was removed.
    func setState(_ id: String, to newState: TenantState, run: Int) {
        update { entries in
            guard var entry = entries[id]?.entry, entry.run == run else { return }
            entry.state = newState
            entries[id] = Stored(entry)
        }
    }

    /// Records the errors that hold a newer manifest of bot `id` back (none: it runs its latest).
    func setManifestErrors(_ id: String, _ errors: [String]) {
        update { entries in
            guard var entry = entries[id]?.entry, entry.manifestErrors != errors else { return }
            entry.manifestErrors = errors
            entries[id] = Stored(entry)
        }
    }

    /// Forgets a bot.
    func remove(_ id: String) {
        update { $0.removeValue(forKey: id) }
    }

    /// Waits until `condition` holds for the bots' states; returns them.
    func wait(until condition: @escaping @Sendable ([String: TenantState]) -> Bool) async -> [String: TenantState] {
        let id = state.withLock { value -> Int in
            value.nextWaiter += 1
            return value.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { value -> [String: TenantState]? in
                    let states = value.states
                    if condition(states) || Task.isCancelled { return states }
                    value.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let (waiter, states) = state.withLock { ($0.waiters.removeValue(forKey: id), $0.states) }
            waiter?.continuation.resume(returning: states)
        }
    }

    private func update(_ change: (inout [String: Stored]) -> Void) {
        let ready = state.withLock { value -> [(CheckedContinuation<[String: TenantState], Never>, [String: TenantState])] in
            change(&value.entries)
            guard !value.waiters.isEmpty else { return [] }
            let states = value.states
            var ready: [(CheckedContinuation<[String: TenantState], Never>, [String: TenantState])] = []
            for (id, waiter) in value.waiters where waiter.condition(states) {
                value.waiters.removeValue(forKey: id)
                ready.append((waiter.continuation, states))
            }
            return ready
        }
        for (continuation, states) in ready { continuation.resume(returning: states) }
    }
}
