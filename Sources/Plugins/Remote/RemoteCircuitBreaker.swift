package import Foundation
import Synchronization

/// Stops calling a plugin that keeps failing: after ``threshold`` failed calls in a row it
/// opens, and calls fail at once for ``openFor``; then one call tries again (half open), and
/// its success closes the breaker.
package final class RemoteCircuitBreaker: Sendable {
    /// Failed calls in a row that open the breaker.
    package let threshold: Int
    /// How long it stays open.
    package let openFor: TimeInterval

    private enum State {
        case closed(failures: Int)
        case open(until: Date)
        /// One call went out at `since`; another may only once that one is long overdue.
        case halfOpen(since: Date)
    }

    /// What the breaker's state became, to log and export.
    enum Change: Equatable {
        case opened, closed
    }

    private let state = Mutex(State.closed(failures: 0))

    /// Creates a closed breaker.
    package init(threshold: Int = 10, openFor: TimeInterval = 30) {
        self.threshold = threshold
        self.openFor = openFor
    }

    /// Whether a call may go out at `now`; an open breaker whose time is up lets one through.
    package func admit(at now: Date) -> Bool {
        state.withLock { state in
            switch state {
            case .closed: return true
            case .halfOpen(let since) where now < since.addingTimeInterval(openFor): return false
            case .open(let until) where now < until: return false
            case .open, .halfOpen:
                state = .halfOpen(since: now)
                return true
            }
        }
    }

    /// Notes a call's success; returns `.closed` when that closed an open breaker.
    func succeeded() -> Change? {
        state.withLock { state in
            defer { state = .closed(failures: 0) }
            if case .closed = state { return nil }
            return .closed
        }
    }

    /// Notes a call's failure at `now`; returns `.opened` when that opened the breaker.
    func failed(at now: Date) -> Change? {
        state.withLock { state in
            switch state {
            case .halfOpen:
                state = .open(until: now.addingTimeInterval(openFor))
                return .opened
            case .closed(let failures) where failures + 1 >= threshold:
                state = .open(until: now.addingTimeInterval(openFor))
                return .opened
            case .closed(let failures):
                state = .closed(failures: failures + 1)
                return nil
            case .open:
                return nil
            }
        }
    }
}
