import Hummingbird
import HTTPTypes
import Logging

/// Shows a dashboard page's errors as a page, with the same status and words the API would
/// use; script requests (which ask for JSON) get problem details instead.
struct DashboardErrorMiddleware: RouterMiddleware {
    typealias Context = HostRequestContext

    let templates: DashboardTemplates
    let sessions: DashboardSessions

    func handle(
        _ request: Request, context: HostRequestContext,
        next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            guard !request.wantsJSON else { throw problem }
            return page(problem.status, problem.detail, request)
        } catch let error as HTTPError {
            guard !request.wantsJSON else { throw error }
            return page(error.status, error.body ?? error.status.reasonPhrase, request)
        } catch {
            context.logger.error("dashboard page failed: \(error)")
            guard !request.wantsJSON else {
                throw Problem(status: .internalServerError, detail: "the host failed to answer; its log says why")
            }
            return page(.internalServerError, "The host failed to answer; its log says why.", request)
        }
    }

    private func page(_ status: HTTPResponse.Status, _ detail: String, _ request: Request) -> Response {
        let session = request.cookies[DashboardAuthMiddleware.cookieName].flatMap { sessions.session(id: $0.value) }
        let chrome = session.map { Chrome(title: status.reasonPhrase, session: $0) } ?? Chrome(anonymous: status.reasonPhrase)
        let parts = request.uri.path.split(separator: "/")
        let back =
            if parts.first == "bots", parts.count >= 2 { "/bots/\(parts[1])" } else if parts.first == "chat" { "/chat" } else { "/" }
        let view = ErrorPage(chrome: chrome, heading: status.reasonPhrase, detail: Self.sentence(detail), back: back)
        return templates.render(.error, view, status: status)
    }

    /// `detail` starting with a capital and ending with a full stop.
    static func sentence(_ detail: String) -> String {
        guard let first = detail.first else { return detail }
        let text = first.uppercased() + detail.dropFirst()
        return text.hasSuffix(".") ? text : text + "."
    }
}
