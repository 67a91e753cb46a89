/// How the HTTP surface guards its connections: idle and slow clients are cut off, a request
/// must arrive whole in time, and the number of open connections is capped.
struct HTTPServerSettings: Sendable, Equatable {
    /// A connection with no request being read or answered is closed after this long; this
    /// also bounds how long a request's headers may take to arrive (`http.idle_timeout_seconds`).
    var idleTimeout = Duration.seconds(30)
    /// A request's headers and body must arrive within this long of its first part
    /// (`http.request_timeout_seconds`).
    var requestTimeout = Duration.seconds(30)
    /// Open connections at most; beyond it, new ones wait in the listen backlog until one
    /// closes (`http.max_connections`).
    var maximumConnections = 1_000
    /// The most body bytes a request may send on one connection before it is closed: twice the
    /// largest body any route accepts (a webhook delivery's 1 MiB), so each route answers 413
    /// itself first.
    var maximumBody = max(2 * WebhookRoute.maximumBody, MatrixTransactionRoute.maximumBody + (1 << 20))
    /// The reverse proxies whose `X-Forwarded-For` is believed (`http.trusted_proxies`).
    var trustedProxies = TrustedProxies()
}
