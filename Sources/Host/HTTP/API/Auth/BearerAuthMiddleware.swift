import Hummingbird
import HTTPTypes
import Logging

/// Checks the `Authorization: Bearer <token>` header of every management API call: a known
/// token always passes; no token is 401; a malformed header or an unknown token is 401 and
/// counts as a failure of the client's address, and once that address is over its limit its
/// failures are answered 429 with `Retry-After` instead (and no longer logged). Tokens are
/// never logged.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = HostRequestContext

    let tokens: LiveTokens
    let limiter: FailedAuthLimiter
    /// The proxies whose `X-Forwarded-For` names the client.
    var proxies = TrustedProxies()

    func handle(
        _ request: Request, context: HostRequestContext,
        next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        let wellFormed = parts.count == 2 && parts[0].lowercased() == "bearer" && !parts[1].isEmpty
        if wellFormed, let caller = tokens.current.caller(for: String(parts[1])) {
            var context = context
            context.caller = caller
            context.logger[metadataKey: "caller"] = "\(caller.label)"
            return try await next(request, context)
        }
        let client = proxies.client(peer: context.remoteAddress, headers: request.headers)
        if let wait = limiter.retryAfter(for: client) {
            throw Self.limited(wait)
        }
        limiter.recordFailure(from: client)
        guard wellFormed else { throw Self.unauthorized("the Authorization header is not 'Bearer <token>'") }
        context.logger.notice("management API: unknown token", metadata: ["peer": "\(client)"])
        throw Self.unauthorized("unknown token")
    }

    /// 429 for an address over its failure limit, saying when it may fail again.
    static func limited(_ wait: Duration) -> Problem {
        let seconds = retrySeconds(wait)
        return Problem(
            status: .tooManyRequests,
            detail: "too many failed authentication attempts from this address; retry in \(seconds) s",
            headers: [.retryAfter: "\(seconds)"])
    }

    /// Whole seconds to wait, at least 1.
    static func retrySeconds(_ wait: Duration) -> Int {
        let seconds = wait.components.seconds
        return seconds < 0 ? 1 : Int(min(seconds, 86_400)) + 1
    }

    private static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, detail: detail, headers: [.wwwAuthenticate: "Bearer realm=\"aviary\""])
    }
}
