import Synchronization
@testable import Host

/// Paces one dashboard live-feed stream from a test: the test learns of every event the stream
/// sends, and the stream sends its next event only when the test says so.
///
/// - Important: No time bound of its own: every suite using it carries a `.timeLimit`, whose
///   cancellation ends the waits.
final class LiveFeedGate: Sendable {
    private struct State {
        /// Events the stream has sent.
        var sent = 0
        var nextWaiterID = 0
        var eventWaiters: [Int: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
        /// Words given before the stream paused for them: `true` sends the next event.
        var words: [Bool] = []
        var paused: CheckedContinuation<Bool, Never>?
    }

    private let state = Mutex(State())

    init() {}

    /// A feed whose streams pause for this gate between events.
    var feed: Dashboard.LiveFeed {
        Dashboard.LiveFeed(pause: { sent, _ in await self.pause(after: sent) })
    }

    /// Waits until the stream has sent at least `count` events; cancelling the waiting task
    /// ends the wait.
    func waitForEvents(_ count: Int) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    guard state.sent < count, !Task.isCancelled else { return true }
                    state.eventWaiters[id] = (count, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.eventWaiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Lets the stream send its next event (`true`) or end (`false`).
    func release(sendingMore: Bool) {
        let paused = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let paused = state.paused else {
                state.words.append(sendingMore)
                return nil
            }
            state.paused = nil
            return paused
        }
        paused?.resume(returning: sendingMore)
    }

    /// Announces the stream's `sent` events, then waits for the test's word; a cancelled
    /// stream (its client went, or the test ran out of time) ends.
    private func pause(after sent: Int) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (due, word) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Bool?) in
                    state.sent = sent
                    let due = state.eventWaiters.filter { $0.value.count <= sent }
                    for id in due.keys { state.eventWaiters.removeValue(forKey: id) }
                    let woken = due.values.map(\.continuation)
                    if Task.isCancelled { return (woken, false) }
                    guard !state.words.isEmpty else {
                        state.paused = continuation
                        return (woken, nil)
                    }
                    return (woken, state.words.removeFirst())
                }
                for waiter in due { waiter.resume() }
                if let word { continuation.resume(returning: word) }
            }
        } onCancel: {
            let paused = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                defer { state.paused = nil }
                return state.paused
            }
            paused?.resume(returning: false)
        }
    }
}

extension Dashboard.LiveFeed {
    /// A feed whose streams end after `count` events, sent without a pause between them.
    static func ending(after count: Int) -> Self {
        Self(pause: { sent, _ in sent < count })
    }
}
