import Synchronization

/// Limits failed authentication attempts per client address: each address may fail
/// `burst` times, then once per `interval`, so guessing tokens is hopeless while an operator
/// who mistyped once is not locked out.
final class FailedAuthLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let burst: Double
    private let interval: Duration
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Addresses remembered at most; idle ones are forgotten beyond that.
    private let capacity = 10_000

    /// Allows `burst` failures at once, then one more per `interval`.
    init(burst: Int = 10, interval: Duration = .seconds(6)) {
        self.burst = Double(burst)
        self.interval = interval
    }

    /// How long `address` must wait before it may try again; `nil` when it may try now.
    func retryAfter(for address: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            guard let bucket = buckets[address].map({ refilled($0, now: now) }), bucket.tokens < 1 else { return nil }
            return interval * (1 - bucket.tokens)
        }
    }

    /// Records one failed attempt from `address`.
    func recordFailure(from address: String, now: ContinuousClock.Instant = .now) {
        buckets.withLock { buckets in
            var bucket = buckets[address].map { refilled($0, now: now) } ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = max(0, bucket.tokens - 1)
            buckets[address] = bucket
            if buckets.count > capacity {
                buckets = buckets.filter { refilled($0.value, now: now).tokens < burst }
            }
        }
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Bucket {
        let elapsed = now - bucket.updated
        let gained = elapsed / interval
        return Bucket(tokens: min(burst, bucket.tokens + gained), updated: now)
    }
}
