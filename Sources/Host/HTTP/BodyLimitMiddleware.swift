import Hummingbird
import HTTPTypes

/// Refuses with 413, before any route reads it, a request whose `Content-Length` is larger than
/// its route could accept: 1 MiB for webhook deliveries, 256 KiB for the management API, 64 KiB
/// for everything else (dashboard forms). A body sent without a length is capped where the
/// route collects it, and a connection whose body passes twice the largest cap is closed
/// (``RequestGuardHandler``).
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = HostRequestContext

    /// The largest management API body.
    static let apiBody = 256 << 10
    /// The largest body elsewhere (dashboard forms).
    static let otherBody = 64 << 10

    /// The largest body a request to `path` may carry.
    static func limit(forPath path: String) -> Int {
        if path.hasPrefix("/webhook/") { return WebhookRoute.maximumBody }
        if path.hasPrefix("/_matrix/app/") { return MatrixTransactionRoute.maximumBody }
        if path.hasPrefix("/api/") { return apiBody }
        return otherBody
    }

    func handle(
        _ request: Request, context: HostRequestContext,
        next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        let limit = Self.limit(forPath: request.uri.path)
        if let text = request.headers[.contentLength] {
            guard let length = Int(text), length >= 0 else {
                throw Problem.badRequest("Content-Length must be a whole number of bytes")
            }
            guard length <= limit else {
                throw Problem(
                    status: .contentTooLarge, detail: "the body is larger than \(limit >> 10) KiB, the most this path takes")
            }
        }
        return try await next(request, context)
    }
}
