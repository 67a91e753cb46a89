import Hummingbird
import HTTPTypes
import Logging

/// Guards the dashboard's pages: a request without a live session goes to the sign-in page
/// (or gets 401 when it wants JSON), and every request that changes something must carry the
/// session's CSRF token, in the `csrf` form field or the `X-CSRF-Token` header.
struct DashboardAuthMiddleware: RouterMiddleware {
    typealias Context = HostRequestContext

    /// The session cookie's name.
    static let cookieName = "aviary_session"
    /// The header script requests carry the CSRF token in.
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    /// The largest form accepted.
    static let maximumForm = 64 << 10

    let sessions: DashboardSessions

    func handle(
        _ request: Request, context: HostRequestContext,
        next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let id = request.cookies[Self.cookieName]?.value, let session = sessions.session(id: id) else {
            if request.method == .get, !request.wantsJSON {
                return .redirect(to: "/login")
            }
            throw Problem(status: .unauthorized, detail: "the dashboard session has ended; sign in again")
        }
        var request = request
        if request.method != .get, request.method != .head {
            let presented = try await Self.presentedToken(&request) ?? ""
            guard APITokens.constantTimeEqual(Array(presented.utf8), Array(session.csrfToken.utf8)) else {
                throw Problem(
                    status: .forbidden,
                    detail: "the form's security token is missing or stale; reload the page and try again")
            }
        }
        var context = context
        context.caller = session.caller
        context.session = session
        context.logger[metadataKey: "caller"] = "\(session.caller.label)"
        return try await next(request, context)
    }

    /// The CSRF token the request carries: the header, or else the form field. Reading the form
    /// keeps the body for the route.
    private static func presentedToken(_ request: inout Request) async throws -> String? {
        if let header = request.headers[csrfHeader] { return header }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        return FormFields(try await request.collectBody(upTo: maximumForm))["csrf"]
    }
}

extension Request {
    /// Whether the client asked for JSON rather than a page (the dashboard's scripts do).
    var wantsJSON: Bool {
        headers[.accept]?.contains("application/json") == true
    }
}
