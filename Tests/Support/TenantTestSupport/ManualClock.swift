import Synchronization
public import Tenant

/// A clock that moves only when the test says so; sleepers are announced so tests can await them.
public final class ManualClock: TenantClock {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    /// A test waiting until the deadlines slept until (in no order) are as it `wants`.
    private struct SleepWaiter {
        var wants: @Sendable ([Duration]) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Duration = .zero
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
        var sleepWaiters: [Int: SleepWaiter] = [:]

        mutating func makeID() -> Int {
            nextID += 1
            return nextID
        }

        /// Removes and returns the waiters whose condition now holds.
        mutating func satisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
            let deadlines = sleepers.values.map(\.deadline)
            let due = sleepWaiters.filter { $0.value.wants(deadlines) }
            for id in due.keys { sleepWaiters.removeValue(forKey: id) }
            return due.values.map(\.continuation)
        }
    }

    /// A clock at zero.
    public init() {}

    private let state = Mutex(State())

    public var now: Duration { state.withLock { $0.now } }

    public func sleep(until deadline: Duration) async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, waiters) = state.withLock { value -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if deadline <= value.now { return (true, []) }
                    value.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (false, value.satisfiedWaiters())
                }
                if resumeNow { continuation.resume() }
                for waiter in waiters { waiter.resume() }
            }
        } onCancel: {
            let (sleeper, waiters) = state.withLock { ($0.sleepers.removeValue(forKey: id), $0.satisfiedWaiters()) }
            sleeper?.continuation.resume(throwing: CancellationError())
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Moves time forward, waking every sleeper whose deadline passed.
    public func advance(by duration: Duration) {
        let (due, waiters) = state.withLock { value in
            value.now += duration
            let now = value.now
            let due = value.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { value.sleepers.removeValue(forKey: id) }
            return (due.values.map(\.continuation), value.satisfiedWaiters())
        }
        for continuation in due { continuation.resume() }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until at least one task sleeps on this clock.
    ///
    /// - Important: No time bound of its own: run the caller under a `.timeLimit`, which ends
    ///   the wait by cancelling it.
    public func waitForSleeper() async {
        await waitForSleepers { !$0.isEmpty }
    }

    /// Waits until the earliest deadline any task sleeps until is `deadline`, give or take
    /// `tolerance` (see ``nextDeadline``).
    ///
    /// - Important: No time bound of its own: run the caller under a `.timeLimit`.
    public func waitForNextDeadline(_ deadline: Duration, tolerance: Duration = .zero) async {
        await waitForSleepers { deadlines in
            deadlines.min().map { abs(($0 - deadline).timeInterval) <= tolerance.timeInterval } ?? false
        }
    }

    private func waitForSleepers(until wants: @escaping @Sendable ([Duration]) -> Bool) async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { value -> Bool in
                    if wants(value.sleepers.values.map(\.deadline)) || Task.isCancelled { return true }
                    value.sleepWaiters[id] = SleepWaiter(wants: wants, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.sleepWaiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }

    /// The earliest deadline any task sleeps until.
    public var nextDeadline: Duration? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }
}
