import Hummingbird
import HTTPTypes

/// The outermost middleware: every answer of the HTTP surface, errors included, carries
/// `X-Content-Type-Options: nosniff`, and `Cache-Control: no-store` unless the route chose its
/// own caching (the dashboard's stylesheet and script). API answers hold bot state and must
/// not be kept by a browser or a proxy.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = HostRequestContext

    /// The header that stops browsers from guessing another content type.
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!

    func handle(
        _ request: Request, context: HostRequestContext,
        next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[Self.contentTypeOptions] = "nosniff"
        return response
    }
}
