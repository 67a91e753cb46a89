import Synchronization

/// Limits failed authentication attempts per client address: each address may fail `burst`
/// times, then once per `interval`; beyond that its wrong tokens are answered 429 unchecked
/// for the log. A valid token is never refused: the limiter only ever sees failures.
///
/// IPv6 clients count per /64 network (one host usually owns a whole /64), and at most
/// ``capacity`` addresses are remembered: those that earned their whole budget back go first,
/// then the longest idle.
final class FailedAuthLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let burst: Double
    private let interval: Duration
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Addresses remembered at most.
    let capacity: Int

    /// Allows `burst` failures at once, then one more per `interval`; remembers at most `capacity` addresses.
    init(burst: Int = 10, interval: Duration = .seconds(6), capacity: Int = 10_000) {
        self.burst = Double(max(1, burst))
        self.interval = interval
        self.capacity = max(1, capacity)
    }

    /// How long `address` must wait before a failure of its counts again; `nil` when it may try now.
    func retryAfter(for address: String, now: ContinuousClock.Instant = .now) -> Duration? {
        let key = Self.key(address)
        return buckets.withLock { buckets in
            guard let bucket = buckets[key].map({ refilled($0, now: now) }), bucket.tokens < 1 else { return nil }
            return interval * (1 - bucket.tokens)
        }
    }

    /// Records one failed attempt from `address`.
    func recordFailure(from address: String, now: ContinuousClock.Instant = .now) {
        let key = Self.key(address)
        buckets.withLock { buckets in
            var bucket = buckets[key].map { refilled($0, now: now) } ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = max(0, bucket.tokens - 1)
            buckets[key] = bucket
            guard buckets.count > capacity else { return }
            buckets = buckets.filter { refilled($0.value, now: now).tokens < burst }
            if buckets.count > capacity {
                // Keep the most recently active half: amortised, the sort runs once per capacity/2 failures.
                let kept = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(capacity / 2 + 1)
                buckets = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
            }
        }
    }

    /// How many addresses are remembered now.
    var rememberedCount: Int { buckets.withLock { $0.count } }

    /// The bucket an address counts in: itself, or its /64 network for IPv6.
    static func key(_ address: String) -> String {
        guard address.contains(":"), let bytes = TrustedProxies.bytes(of: address), bytes.count == 16 else {
            return address
        }
        return bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: ".") + "/64"
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Bucket {
        let elapsed = now - bucket.updated
        let gained = elapsed / interval
        return Bucket(tokens: min(burst, bucket.tokens + gained), updated: now)
    }
}
