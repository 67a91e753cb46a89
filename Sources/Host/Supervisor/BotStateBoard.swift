import Synchronization
import Tenant

/// The last known state of every bot, shared by the supervisor and whoever reports on it
/// (health checks, tests), with a way to await a condition instead of polling for it.
final class BotStateBoard: Sendable {
    private struct Waiter {
        let condition: @Sendable ([String: TenantState]) -> Bool
        let continuation: CheckedContinuation<[String: TenantState], Never>
    }

    private let state = Mutex<(states: [String: TenantState], waiters: [Int: Waiter], nextID: Int)>(([:], [:], 0))

    init() {}

    /// Every bot's state.
    var snapshot: [String: TenantState] { state.withLock { $0.states } }

    /// Records a bot's new state.
    func set(_ id: String, to newState: TenantState) {
        update { $0[id] = newState }
    }

    /// Forgets a bot that was stopped and removed.
    func remove(_ id: String) {
        update { $0.removeValue(forKey: id) }
    }

    /// Waits until `condition` holds for the states; returns them.
    func wait(until condition: @escaping @Sendable ([String: TenantState]) -> Bool) async -> [String: TenantState] {
        let id = state.withLock { value -> Int in
            value.nextID += 1
            return value.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { value -> [String: TenantState]? in
                    if condition(value.states) || Task.isCancelled { return value.states }
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

    private func update(_ change: (inout [String: TenantState]) -> Void) {
        let ready = state.withLock { value -> [(CheckedContinuation<[String: TenantState], Never>, [String: TenantState])] in
            change(&value.states)
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
