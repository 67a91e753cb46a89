import Synchronization

/// A test waiting for the fake to reach some state.
struct StateWaiter {
    var condition: @Sendable (FakeState) -> Bool
    var continuation: CheckedContinuation<Void, Never>
}

extension FakeBotAPI {
    /// Waits until the bot received at least `count` calls of `method` (needs `records`).
    ///
    /// - Important: No time bound of its own: run the caller under a `.timeLimit`. Cancelling
    ///   the waiting task ends the wait.
    public func waitForCalls(token: String, method: String, count: Int) async {
        await waitUntil { ($0.bots[token]?.calls.count { $0.method == method } ?? 0) >= count }
    }

    /// Waits until a `getUpdates` of the bot is parked, waiting for an update.
    ///
    /// - Important: No time bound of its own: run the caller under a `.timeLimit`.
    public func waitForWaitingPoll(token: String) async {
        await waitUntil { $0.bots[token]?.poll != nil }
    }

    /// Waits until the bots `tokens` sent at least `count` messages between them (needs `records`).
    ///
    /// - Important: No time bound of its own: run the caller under a `.timeLimit`.
    public func waitForSentMessages(tokens: [String], total count: Int) async {
        await waitUntil { state in tokens.reduce(0) { $0 + (state.bots[$1]?.sent.count ?? 0) } >= count }
    }

    /// Waits until bot `token`'s webhook was offered an update at least `count` times in all
    /// (each answer counts, refusals and failed connections too).
    ///
    /// - Important: No time bound of its own: run the caller under a `.timeLimit`.
    public func waitForWebhookDeliveries(token: String, count: Int) async {
        await waitUntil { ($0.bots[token]?.webhookDeliveries.count ?? 0) >= count }
    }

    /// Why each of the bot's long polls that waited woke up, in order (needs `records`).
    public func longPollWakes(token: String) -> [PollWake] {
        state.withLock { $0.bots[token]?.pollWakes ?? [] }
    }

    /// Waits until `condition` holds for the fake's state, checked now and after every change
    /// that calls ``notifyStateWaiters()``.
    func waitUntil(_ condition: @escaping @Sendable (FakeState) -> Bool) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if condition(state) || Task.isCancelled { return true }
                    state.stateWaiters[id] = StateWaiter(condition: condition, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.stateWaiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }

    /// Wakes the waiters whose condition now holds; call after changing the state, outside the lock.
    func notifyStateWaiters() {
        let ready = state.withLock { Self.takeDueStateWaiters(from: &$0) }
        for continuation in ready { continuation.resume() }
    }

    /// Removes the waiters whose condition holds and returns them, for a change made under the
    /// lock: resume them after it is released.
    static func takeDueStateWaiters(from state: inout FakeState) -> [CheckedContinuation<Void, Never>] {
        guard !state.stateWaiters.isEmpty else { return [] }
        let due = state.stateWaiters.filter { $0.value.condition(state) }
        for id in due.keys { state.stateWaiters.removeValue(forKey: id) }
        return due.values.map(\.continuation)
    }
}
