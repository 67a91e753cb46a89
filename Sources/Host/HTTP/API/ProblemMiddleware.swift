import Hummingbird
import HTTPTypes
import Logging

/// Added to the whole router (so it also sees unmatched paths), it turns every error of the
/// management API into problem details: a known path with another
/// method is 405, Hummingbird's own errors keep their status, anything else is a 500 whose
/// detail is logged, not sent.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = HostRequestContext

    func handle(
        _ request: Request, context: HostRequestContext,
        next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/v1/") else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError where error.status == .notFound {
            let path = String(request.uri.path.dropFirst("/api/v1".count))
            let allowed = ManagementAPI.allowedMethods(forPath: path)
            guard !allowed.isEmpty else {
                throw Problem.notFound("no such API path: \(Problem.excerpt(request.uri.path))")
            }
            throw Problem(
                status: .methodNotAllowed, detail: "\(request.method) is not allowed here; use \(allowed.map(\.rawValue).joined(separator: ", "))",
                headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
        } catch let error as HTTPError {
            throw Problem(status: error.status, detail: error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw Problem(status: error.status, detail: error.status.reasonPhrase)
        } catch {
            context.logger.error("management API call failed: \(error)")
            throw Problem(status: .internalServerError, detail: "the host failed to answer; its log says why")
        }
    }
}
