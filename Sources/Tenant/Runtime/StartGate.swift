import Synchronization

/// Bounds how many bots of a host make their start-up platform calls (identifying the bot,
/// setting or deleting its webhook) at once.
///
/// Ten thousand bots starting together would otherwise open as many connections to the
/// platform at the same moment, and keep them open, idle, long after; a few dozen at a time
/// start them as fast, over connections that are reused. Calls go through in the order they
/// arrived.
public final class StartGate: Sendable {
    private struct State {
        var available: Int
        var nextID = 0
        /// Waiting calls by arrival number.
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        /// Arrival numbers in order, from ``head``; a number with no waiter left was cancelled.
        var queue: [Int] = []
        var head = 0

        mutating func nextWaiter() -> CheckedContinuation<Void, any Error>? {
            while head < queue.count {
                let id = queue[head]
                head += 1
                if let waiter = waiters.removeValue(forKey: id) { return waiter }
            }
            queue.removeAll(keepingCapacity: true)
            head = 0
            return nil
        }
    }

    private let state: Mutex<State>

    /// A gate letting `width` calls through at once.
    public init(width: Int = 32) {
        precondition(width > 0, "a start gate lets at least one call through")
        state = Mutex(State(available: width))
    }

    /// Runs `operation` once a place is free, and frees it after.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting for a place
    ///   (the bot is stopping); `operation`'s error.
    public func run<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        try await enter()
        defer { leave() }
        return try await operation()
    }

    private func enter() async throws {
        let id = state.withLock { state -> Int? in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let resume = state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.available > 0 {
                        state.available -= 1
                        return .success(())
                    }
                    state.waiters[id] = continuation
                    state.queue.append(id)
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let next = state.nextWaiter() else {
                state.available += 1
                return nil
            }
            return next
        }
        next?.resume()
    }
}
