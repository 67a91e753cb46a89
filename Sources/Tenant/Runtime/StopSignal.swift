import Synchronization

/// A one-shot signal: fired once, awaited by any number of tasks.
///
/// A waiter whose task is cancelled returns at once. An action registered with
/// ``onFire(_:)`` runs without a task waiting for it meanwhile.
package final class StopSignal: Sendable {
    private struct State {
        var fired = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var actions: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Whether the signal has fired.
    package var isFired: Bool { state.withLock { $0.fired } }

    /// Fires the signal, waking every waiter. Later calls do nothing.
    package func fire() {
        typealias Woken = ([CheckedContinuation<Void, Never>], [@Sendable () -> Void])
        let (waiters, actions) = state.withLock { state -> Woken in
            guard !state.fired else { return ([], []) }
            state.fired = true
            defer {
                state.waiters.removeAll()
                state.actions.removeAll()
            }
            return (Array(state.waiters.values), state.actions)
        }
        for waiter in waiters { waiter.resume() }
        for action in actions { action() }
    }

    /// Runs `action` when the signal fires (at once, on this thread, when it has fired
    /// already), on the firing thread; keep it short and let it start a task for longer work.
    package func onFire(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            guard !state.fired else { return true }
            state.actions.append(action)
            return false
        }
        if runNow { action() }
    }

    /// Returns once the signal fired or the task is cancelled.
    package func wait() async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.fired || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Returns `true` once the signal fired, or `false` at `deadline` or when the task is
    /// cancelled, whichever comes first.
    package func wait(until deadline: ContinuousClock.Instant) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            group.cancelAll()
        }
        return isFired
    }
}
