/// The time source a Tenant waits on: the system clock in production, a manual clock in tests.
///
/// Time is a `Duration` since an arbitrary fixed origin, which keeps rate-limit arithmetic
/// simple and lets tests move time forward without sleeping.
public protocol TenantClock: Sendable {
    /// Time elapsed since the clock's origin.
    var now: Duration { get }

    /// Waits until `deadline` (a value of ``now``); throws `CancellationError` if cancelled.
    func sleep(until deadline: Duration) async throws
}

extension TenantClock {
    /// Waits for `duration`.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }
}

/// The system's monotonic clock.
public struct SystemClock: TenantClock {
    private let origin = ContinuousClock.now

    /// Creates a clock whose origin is now.
    public init() {}

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: origin + deadline)
    }
}
