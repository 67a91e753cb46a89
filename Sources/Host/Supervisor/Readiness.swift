import Synchronization
import Tenant

/// Whether the host is ready for traffic, for `/readyz`.
///
/// The host becomes ready once every bot enabled at start has started or failed for good, and
/// stays ready (reloads that restart a bot do not take the whole host out of service) until
/// shutdown begins.
final class Readiness: Sendable {
    private struct State {
        var initialBots: Set<String>?
        var table: BotTable?
        var ready = false
        var shuttingDown = false
    }

    private let state = Mutex(State())

    init() {}

    /// Names the bots started at launch, whose states decide readiness.
    func initialBots(_ ids: Set<String>, table: BotTable) {
        state.withLock {
            $0.initialBots = ids
            $0.table = table
        }
        refresh()
    }

    /// Re-evaluates after a bot changed state, so readiness latches the moment the last
    /// initial bot settles, whether or not anyone is asking.
    func refresh() {
        _ = isReady
    }

    /// Shutdown began: no longer ready.
    func shutDown() {
        state.withLock { $0.shuttingDown = true }
    }

    /// Whether shutdown has begun; long-lived answers (the dashboard's live stream) end then.
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Whether the host is ready now.
    var isReady: Bool {
        let (ids, table, ready, shuttingDown) = state.withLock { ($0.initialBots, $0.table, $0.ready, $0.shuttingDown) }
        if shuttingDown { return false }
        if ready { return true }
        guard let ids, let table else { return false }
        let states = table.snapshot
        let settled = ids.allSatisfy { id in
            switch states[id] {
            case .running, .failed, .stopped, nil: true
            case .starting, .stopping: false
            }
        }
        if settled { state.withLock { $0.ready = true } }
        return settled
    }
}
