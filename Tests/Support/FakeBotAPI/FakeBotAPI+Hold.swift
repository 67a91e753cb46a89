import Synchronization

extension FakeBotAPI {
    /// Holds bot `token`'s calls of `method` unanswered (they are recorded as they arrive) until
    /// ``release(token:method:)``: a call in flight a test can act around, with no sleeping.
    public func hold(token: String, method: String) {
        state.withLock { _ = $0.bots[token]?.heldMethods.insert(method) }
    }

    /// Answers bot `token`'s held calls of `method` and stops holding new ones.
    public func release(token: String, method: String) {
        let held = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.bots[token]?.heldMethods.remove(method)
            defer { state.bots[token]?.heldCalls[method] = nil }
            return state.bots[token]?.heldCalls[method] ?? []
        }
        for call in held { call.resume() }
    }

    /// Answers every held call of every bot (the fake is stopping).
    func releaseAllHeldCalls() {
        let held = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var held: [CheckedContinuation<Void, Never>] = []
            for token in state.bots.keys {
                held += state.bots[token]!.heldCalls.values.joined()
                state.bots[token]!.heldCalls = [:]
                state.bots[token]!.heldMethods = []
            }
            return held
        }
        for call in held { call.resume() }
    }

    /// Returns at once unless bot `token`'s calls of `method` are held; then waits for the release.
    func waitWhileHeld(token: String, method: String) async {
        await withCheckedContinuation { continuation in
            let held = state.withLock { state -> Bool in
                guard state.bots[token]?.heldMethods.contains(method) == true else { return false }
                state.bots[token]!.heldCalls[method, default: []].append(continuation)
                return true
            }
            if !held { continuation.resume() }
        }
    }
}
