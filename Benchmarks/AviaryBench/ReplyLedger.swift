import Foundation
import Synchronization

/// Every injected update and its reply: latency from injection to the fake receiving the
/// echo, and which updates were never answered or answered more than once.
final class ReplyLedger: Sendable {
    /// Indexed by sequence number, which the load generator hands out densely from zero, so
    /// every step is an array access: the ledger must cost far less than the host it measures.
    private struct State {
        var sentAt: [ContinuousClock.Instant?] = []
        var answered: [Bool] = []
        var outstanding = 0
        var answeredCount = 0
        var latencies: [Double] = []
        var duplicates = 0
        var firstReply: ContinuousClock.Instant?
        var lastReply: ContinuousClock.Instant?

        mutating func grow(to sequence: Int) {
            while sentAt.count <= sequence {
                sentAt.append(nil)
                answered.append(false)
            }
        }

        func isAnswered(_ sequence: Int) -> Bool { sequence < answered.count && answered[sequence] }
    }

    private let state = Mutex(State())

    init() {}

    /// The text of update number `sequence`: what the echo bot sends back.
    static func text(_ sequence: Int) -> String { "b\(sequence)" }

    /// Update `sequence` was injected now.
    func injected(_ sequence: Int) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.grow(to: sequence)
            state.sentAt[sequence] = now
            state.outstanding += 1
        }
    }

    /// A bot sent `text`.
    func replied(_ text: String) {
        guard text.hasPrefix("b"), let sequence = Int(text.dropFirst()) else { return }
        let now = ContinuousClock.now
        state.withLock { state in
            guard sequence < state.sentAt.count else { return }
            if let sent = state.sentAt[sequence] {
                state.sentAt[sequence] = nil
                state.answered[sequence] = true
                state.outstanding -= 1
                state.answeredCount += 1
                state.latencies.append((now - sent).milliseconds)
                state.firstReply = state.firstReply ?? now
                state.lastReply = now
            } else if state.answered[sequence] {
                state.duplicates += 1
            }
        }
    }

    /// Waits until update `sequence` is answered, at most `timeout`; whether it was. Checks
    /// every millisecond, which bounds the resolution of what it measures.
    func waitForReply(_ sequence: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ $0.isAnswered(sequence) }) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return true
    }

    /// Waits until every injected update is answered or `timeout` passes.
    func drain(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, state.withLock({ $0.outstanding > 0 }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// When the first injected update was answered, if one was.
    var firstReply: ContinuousClock.Instant? { state.withLock { $0.firstReply } }

    /// What happened so far.
    var summary: (injected: Int, answered: Int, lost: Int, duplicates: Int, latencies: [Double], lastReply: ContinuousClock.Instant?) {
        state.withLock {
            ($0.answeredCount + $0.outstanding, $0.answeredCount, $0.outstanding, $0.duplicates, $0.latencies, $0.lastReply)
        }
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// The duration in seconds.
    var seconds: Double { milliseconds / 1000 }
}
