import Logging
import Synchronization

/// Counts webhook deliveries refused for a missing or wrong secret, and reports them in the log
/// at most once per ``interval``.
///
/// Unauthenticated traffic must not write a log line per request, and must not reach any bot's
/// recent errors: the report is a notice without `bot` metadata, and the path id it names has
/// already been checked to be a bot id's shape (at most 63 characters).
final class WebhookRefusals: Sendable {
    private struct State {
        var refused = 0
        var lastReport: ContinuousClock.Instant?
    }

    /// The least time between two reports.
    let interval: Duration
    private let state = Mutex(State())

    /// Reports at most once per `interval`.
    init(interval: Duration = .seconds(60)) {
        self.interval = interval
    }

    /// Counts one refusal (`reason`) of a delivery to path id `id`, and logs a summary when one is due.
    func record(_ reason: String, id: String, logger: Logger, now: ContinuousClock.Instant = .now) {
        let due = state.withLock { state -> Int? in
            state.refused += 1
            if let last = state.lastReport, now - last < interval { return nil }
            state.lastReport = now
            defer { state.refused = 0 }
            return state.refused
        }
        guard let count = due else { return }
        logger.notice(
            "webhook deliveries refused: \(count) since the last report, the latest to path id '\(id)' (\(reason))")
    }
}
