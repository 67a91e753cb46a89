import Synchronization
public import Tenant

/// A clock that moves only when the test says so; sleepers are announced so tests can await them.
public final class ManualClock: TenantClock {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    /// A clock at zero.
    public init() {}

    private let state = Mutex<(now: Duration, sleepers: [Int: Sleeper], nextID: Int, sleepWaiters: [CheckedContinuation<Void, Never>])>((.zero, [:], 0, []))

    public var now: Duration { state.withLock { $0.now } }

    public func sleep(until deadline: Duration) async throws {
        let id = state.withLock { value -> Int in
            value.nextID += 1
            return value.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, waiters) = state.withLock { value -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if deadline <= value.now { return (true, []) }
                    value.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    defer { value.sleepWaiters.removeAll() }
                    return (false, value.sleepWaiters)
                }
                if resumeNow { continuation.resume() }
                for waiter in waiters { waiter.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward, waking every sleeper whose deadline passed.
    public func advance(by duration: Duration) {
        let due = state.withLock { value -> [CheckedContinuation<Void, any Error>] in
            value.now += duration
            let now = value.now
            let due = value.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { value.sleepers.removeValue(forKey: id) }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// Waits until at least one task sleeps on this clock.
    public func waitForSleeper() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { value -> Bool in
                if !value.sleepers.isEmpty { return true }
                value.sleepWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// The earliest deadline any task sleeps until.
    public var nextDeadline: Duration? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }
}
