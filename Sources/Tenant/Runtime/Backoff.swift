/// Exponential backoff with full jitter: attempt n waits a random time in
/// `0...min(maximum, initial * 2^n)`, never less than `minimum`.
public struct Backoff: Sendable, Equatable {
    /// The first ceiling.
    public var initial: Duration
    /// The largest ceiling.
    public var maximum: Duration
    /// The smallest wait, so a retry never hammers the platform.
    public var minimum: Duration
    private(set) var attempt = 0

    /// Creates a backoff. Defaults: 0.5 s doubling up to 30 s, at least 0.1 s.
    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30),
                minimum: Duration = .milliseconds(100)) {
        self.initial = initial
        self.maximum = maximum
        self.minimum = minimum
    }

    /// The wait before the next retry; each call raises the ceiling.
    public mutating func next() -> Duration {
        let factor = 1 << min(attempt, 20)
        attempt += 1
        let ceiling = min(maximum, initial * factor)
        let ceilingMilliseconds = max(ceiling.milliseconds, minimum.milliseconds)
        return .milliseconds(Int64.random(in: minimum.milliseconds...ceilingMilliseconds))
    }

    /// Starts over after a success.
    public mutating func reset() {
        attempt = 0
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
