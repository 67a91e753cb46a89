import Hummingbird
import HTTPTypes
import Logging

/// Turns every error of the management API into problem details: Hummingbird's own errors
/// keep their status, anything else is a 500 whose detail is logged, not sent.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = HostRequestContext

    func handle(
        _ request: Request, context: HostRequestContext,
        next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
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
