import NIOCore

/// Shares one rendering of `GET /metrics` among the scrapes that arrive while it is made and
/// within `interval` after it: a scrape reads every bot's queue depths and database size, so
/// a flood of unauthenticated scrapes would otherwise cost the host that much work each. With
/// the cache, the work is at most one rendering per `interval`, whatever the request rate.
actor ScrapeCache {
    /// How long a rendering is served again.
    let interval: Duration
    private let clock = ContinuousClock()
    private var latest: (made: ContinuousClock.Instant, body: ByteBuffer)?
    private var rendering: Task<ByteBuffer, Never>?

    /// A cache serving each rendering for `interval` (one second by default: Prometheus scrapes
    /// every 15 seconds or more, so no scrape sees figures older than that by design).
    init(interval: Duration = .seconds(1)) {
        self.interval = interval
    }

    /// The latest rendering when it is fresh, the one being made when there is one, else a new
    /// one from `render`.
    func body(render: @escaping @Sendable () async -> ByteBuffer) async -> ByteBuffer {
        if let latest, clock.now - latest.made < interval { return latest.body }
        if let rendering { return await rendering.value }
        let task = Task { await render() }
        rendering = task
        let body = await task.value
        latest = (clock.now, body)
        rendering = nil
        return body
    }
}
