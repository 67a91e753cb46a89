import Foundation
import Synchronization

/// Counts model answers per person in a sliding minute, in memory (a restart forgets it, which
/// only ever lets a few more through).
///
/// Times come from the caller (`context.now`), so tests pin them.
final class PersonRateLimiter: Sendable {
    /// What the limiter says about one message.
    enum Verdict: Equatable {
        /// Answer it; it is counted.
        case allowed
        /// Over the limit; `notify` is true for the first message over it in a row.
        case limited(notify: Bool)
    }

    private struct Window {
        var answers: [Date] = []
        var notified = false
    }

    private struct State {
        var windows: [Int64: Window] = [:]
        var callsSinceSweep = 0
    }

    /// The length of the window.
    static let window: TimeInterval = 60
    /// Calls between sweeps that drop people whose window is empty.
    private static let sweepInterval = 512

    private let perMinute: Int
    private let state = Mutex(State())

    /// A limiter of `perMinute` answers per person; 0 allows everything.
    init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// Decides on a message from `personID` at `now`, counting it when allowed.
    func admit(_ personID: Int64, at now: Date) -> Verdict {
        guard perMinute > 0 else { return .allowed }
        let start = now.addingTimeInterval(-Self.window)
        return state.withLock { state in
            state.callsSinceSweep += 1
            if state.callsSinceSweep >= Self.sweepInterval {
                state.callsSinceSweep = 0
                state.windows = state.windows.filter { $0.value.answers.contains { $0 > start } }
            }
            var window = state.windows[personID] ?? Window()
            window.answers.removeAll { $0 <= start }
            let verdict: Verdict
            if window.answers.count < perMinute {
                window.answers.append(now)
                window.notified = false
                verdict = .allowed
            } else {
                verdict = .limited(notify: !window.notified)
                window.notified = true
            }
            state.windows[personID] = window
            return verdict
        }
    }
}
