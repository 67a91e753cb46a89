import Synchronization

/// Counts occurrences of an event and lets tests await a count, with no clock involved.
final class EventCounter: Sendable {
    private let state = Mutex<(count: Int, waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)])>(
        (0, []))

    /// How many times the event happened so far.
    var count: Int { state.withLock { $0.count } }

    /// Records one occurrence, waking those waiting for the count it reaches.
    func record() {
        let ready = state.withLock { value -> [CheckedContinuation<Void, Never>] in
            value.count += 1
            let count = value.count
            let ready = value.waiters.filter { $0.count <= count }.map(\.continuation)
            value.waiters.removeAll { $0.count <= count }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the event happened at least `count` times.
    func wait(atLeast count: Int = 1) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { value -> Bool in
                if value.count >= count { return true }
                value.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
