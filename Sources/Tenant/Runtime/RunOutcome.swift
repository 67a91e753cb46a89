import Synchronization

/// How a launched bot's run ended, awaited by ``Tenant/run()``.
final class RunOutcome: Sendable {
    private let ended = StopSignal()
    private let failure = Mutex<TenantError?>(nil)

    /// The error the run ended with; `nil` after a stop, or while it runs.
    var error: TenantError? { failure.withLock { $0 } }

    /// Records the end of the run and wakes the waiter.
    func finish(_ error: TenantError?) {
        failure.withLock { $0 = error }
        ended.fire()
    }

    /// Returns once the run has ended, however long that takes: cancelling the waiting task
    /// stops the bot rather than abandoning its run.
    func wait() async {
        await withCheckedContinuation { continuation in
            ended.onFire { continuation.resume() }
        }
    }
}
