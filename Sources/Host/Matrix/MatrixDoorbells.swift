import Synchronization

/// Wakes the pollers of bot users whose spool grew. A poller reads the ring count, looks for
/// events, and waits only if the count has not moved since: no ring is missed.
final class MatrixDoorbells: Sendable {
    private struct Bell {
        var rings = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let bells = Mutex<[String: Bell]>([:])

    /// How often `user`'s bell has rung.
    func rings(of user: String) -> Int {
        bells.withLock { $0[user]?.rings ?? 0 }
    }

    /// Rings `user`'s bell, waking its waiting poller.
    func ring(_ user: String) {
        let waiters = bells.withLock { bells -> [CheckedContinuation<Void, Never>] in
            var bell = bells[user] ?? Bell()
            bell.rings += 1
            let waiting = bell.waiters
            bell.waiters = []
            bells[user] = bell
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until `user`'s bell rings after `seen` rings, or `timeout` passes, or the task is cancelled.
    func wait(_ user: String, after seen: Int, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForRing(user, after: seen) }
            await group.next()
            group.cancelAll()
            self.wake(user)
        }
    }

    /// Resumes `user`'s waiting poller without a ring (its wait ended otherwise).
    private func wake(_ user: String) {
        let waiters = bells.withLock { bells -> [CheckedContinuation<Void, Never>] in
            let waiting = bells[user]?.waiters ?? []
            bells[user]?.waiters = []
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    private func waitForRing(_ user: String, after seen: Int) async {
        await withCheckedContinuation { continuation in
            let ready = bells.withLock { bells -> Bool in
                var bell = bells[user] ?? Bell()
                if bell.rings != seen || Task.isCancelled { return true }
                bell.waiters.append(continuation)
                bells[user] = bell
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
