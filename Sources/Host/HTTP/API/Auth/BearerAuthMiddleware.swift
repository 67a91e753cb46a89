import Hummingbird
import HTTPTypes
import Logging

/// Checks the `Authorization: Bearer <token>` header of every management API call: no token is
/// 401, an unknown token is 401 and counts as a failed attempt, and an address with too many
/// failed attempts gets 429 until it may try again. Tokens are never logged.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = HostRequestContext

    let tokens: APITokens
    let limiter: FailedAuthLimiter

    func handle(
        _ request: Request, context: HostRequestContext,
        next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        if let wait = limiter.retryAfter(for: address) {
            let seconds = max(1, Int(wait.components.seconds) + 1)
            throw Problem(
                status: .tooManyRequests,
                detail: "too many failed authentication attempts from this address; retry in \(seconds) s",
                headers: [.retryAfter: "\(seconds)"])
        }
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            limiter.recordFailure(from: address)
            throw Self.unauthorized("the Authorization header is not 'Bearer <token>'")
        }
        guard let caller = tokens.caller(for: String(parts[1])) else {
            limiter.recordFailure(from: address)
            context.logger.notice("management API: unknown token", metadata: ["peer": "\(address)"])
            throw Self.unauthorized("unknown token")
        }
        var context = context
        context.caller = caller
        context.logger[metadataKey: "caller"] = "\(caller.label)"
        return try await next(request, context)
    }

    private static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, detail: detail, headers: [.wwwAuthenticate: "Bearer realm=\"aviary\""])
    }
}
