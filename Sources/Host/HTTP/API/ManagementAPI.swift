import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import HTTPTypes
import Logging
import Storage
import Tenant
import Yams

/// The management API under `/api/v1`, as described by `openapi.yaml` (served at
/// `/api/v1/openapi.yaml`). Every call but the document needs a bearer token; a brand token
/// sees its own brand's bots only and gets 404 for any other.
struct ManagementAPI: Sendable {
    let supervisor: Supervisor
    let loader: ManifestLoader
    let botsDirectory: String
    let recentErrors: RecentErrors
    let tokens: APITokens
    let limiter: FailedAuthLimiter

    /// Adds the routes to `router`.
    func register(on router: Router<HostRequestContext>) {
        let api = router.group("api/v1")
        api.get("openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
        let secured = api.group().add(middleware: BearerAuthMiddleware(tokens: tokens, limiter: limiter))
        for route in Self.routes {
            secured.on(RouterPath(route.path), method: route.method) { request, context in
                try await respond(to: route.operation, request, context)
            }
        }
    }

    /// The authenticated operations, as `openapi.yaml` names them.
    enum OperationID: Sendable {
        case listBots, getBot, startBot, stopBot, restartBot, reload, validateManifest
        case listDeadLetters, retryDeadLetters, createBroadcast, getBroadcast
        case sandboxSendMessage, sandboxPressButton, sandboxConversation
    }

    /// Every authenticated route: method, path below `/api/v1`, operation.
    static let routes: [(method: HTTPRequest.Method, path: String, operation: OperationID)] = [
        (.get, "bots", .listBots),
        (.get, "bots/:bot_id", .getBot),
        (.post, "bots/:bot_id/start", .startBot),
        (.post, "bots/:bot_id/stop", .stopBot),
        (.post, "bots/:bot_id/restart", .restartBot),
        (.post, "reload", .reload),
        (.post, "manifests/validate", .validateManifest),
        (.get, "bots/:bot_id/dead-letters", .listDeadLetters),
        (.post, "bots/:bot_id/dead-letters/retry", .retryDeadLetters),
        (.post, "bots/:bot_id/broadcasts", .createBroadcast),
        (.get, "bots/:bot_id/broadcasts/:broadcast_id", .getBroadcast),
        (.post, "bots/:bot_id/sandbox/messages", .sandboxSendMessage),
        (.post, "bots/:bot_id/sandbox/presses", .sandboxPressButton),
        (.get, "bots/:bot_id/sandbox/chats/:user_id", .sandboxConversation),
    ]

    /// The methods a path below `/api/v1` answers to; empty when no route has that path.
    static func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods = routes.filter { route in
            let pattern = route.path.split(separator: "/")
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }.map(\.method)
        if segments == ["openapi.yaml"] { methods.append(.get) }
        return methods
    }

    private func respond(to operation: OperationID, _ request: Request, _ context: HostRequestContext) async throws -> Response {
        switch operation {
        case .listBots: try await listBots(context).response(from: request, context: context)
        case .getBot: try await botDetail(context).response(from: request, context: context)
        case .startBot: try await command(.start, context).response(from: request, context: context)
        case .stopBot: try await command(.stop, context).response(from: request, context: context)
        case .restartBot: try await command(.restart, context).response(from: request, context: context)
        case .reload: try await reload(context).response(from: request, context: context)
        case .validateManifest: try await validate(request, context).response(from: request, context: context)
        case .listDeadLetters: try await deadLetters(request, context).response(from: request, context: context)
        case .retryDeadLetters: try await retry(request, context).response(from: request, context: context)
        case .createBroadcast: try await broadcast(request, context).response(from: request, context: context)
        case .getBroadcast: try await broadcastProgress(context).response(from: request, context: context)
        case .sandboxSendMessage: try await sandboxSend(request, context).response(from: request, context: context)
        case .sandboxPressButton: try await sandboxPress(request, context).response(from: request, context: context)
        case .sandboxConversation: try await sandboxConversation(request, context).response(from: request, context: context)
        }
    }
}
