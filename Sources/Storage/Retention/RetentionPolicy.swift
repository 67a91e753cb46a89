/// How long a bot's database keeps rows it no longer needs (the manifest's `retention:`).
///
/// Only finished rows are pruned: handled or failed updates, sent replies, dead letters. Pending
/// updates and unsent replies are kept however old they are.
public struct RetentionPolicy: Sendable, Equatable, Hashable {
    /// Handled and failed updates are kept this long after they arrived; 30 days by default.
    public var updates: Duration
    /// Sent replies are kept this long after they were sent; 30 days by default.
    public var outbox: Duration
    /// Dead letters are kept this long after they were queued; 90 days by default.
    public var deadLetters: Duration

    /// The shortest ``updates`` may be: Telegram keeps an update for at most 24 hours, and the
    /// inbox must remember every update it could still deliver again, so it is not applied twice.
    public static let shortestUpdates = Duration.seconds(2 * 86_400)

    /// Creates a policy; the defaults are 30 days of updates and replies, 90 of dead letters.
    public init(
        updates: Duration = .seconds(30 * 86_400),
        outbox: Duration = .seconds(30 * 86_400),
        deadLetters: Duration = .seconds(90 * 86_400)
    ) {
        self.updates = updates
        self.outbox = outbox
        self.deadLetters = deadLetters
    }
}
