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
    let recentErrors: RecentErrors
    let tokens: LiveTokens
    let limiter: FailedAuthLimiter
    /// Reads and writes manifest files.
    let editor: ManifestEditor
    /// Where changes are recorded.
    let audit: AuditLog
    /// The proxies whose `X-Forwarded-For` names the client whose failures count.
    var proxies = TrustedProxies()
    /// Reads the host config again on reload, when the host runs with one.
    var hostConfig: HostConfigReloader?

    /// Adds the routes to `router`.
    func register(on router: Router<HostRequestContext>) {
        let api = router.group("api/v1")
        // Both documents are public: they describe the software, nothing of this host or its bots,
        // and a plugin's author needs the protocol without a token.
        for (path, bytes) in [
            ("openapi.yaml", OpenAPIDocument.bytes),
            ("remote-plugin-protocol.yaml", OpenAPIDocument.remotePluginProtocol),
        ] {
            api.get(RouterPath(path)) { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = "application/yaml"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        let auth = BearerAuthMiddleware(tokens: tokens, limiter: limiter, proxies: proxies)
        let secured = api.group().add(middleware: auth)
        for route in Self.routes {
            secured.on(RouterPath(route.path), method: route.method) { request, context in
                try await route.handle(self, request, context)
            }
        }
    }

    /// One authenticated operation: method, path below `/api/v1`, and what answers it.
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var handle: @Sendable (ManagementAPI, Request, HostRequestContext) async throws -> Response

        init<Answer: ResponseGenerator>(
            _ method: HTTPRequest.Method, _ path: String,
            _ answer: @escaping @Sendable (ManagementAPI, Request, HostRequestContext) async throws -> Answer
        ) {
            self.method = method
            self.path = path
            handle = { api, request, context in
                try await answer(api, request, context).response(from: request, context: context)
            }
        }
    }

    /// Every authenticated operation of `openapi.yaml`.
    static let routes: [Route] = [
        Route(.get, "bots") { api, _, context in try await api.listBots(context) },
        Route(.get, "bots/:bot_id") { api, _, context in try await api.botDetail(context) },
        Route(.post, "bots/:bot_id/start") { api, request, context in try await api.command(.start, request, context) },
        Route(.post, "bots/:bot_id/stop") { api, request, context in try await api.command(.stop, request, context) },
        Route(.post, "bots/:bot_id/restart") { api, request, context in
            try await api.command(.restart, request, context)
        },
        Route(.post, "bots/:bot_id/snapshots") { api, request, context in try await api.takeSnapshot(request, context) },
        Route(.post, "reload") { api, request, context in try await api.reload(request, context) },
        Route(.get, "bots/:bot_id/manifest") { api, _, context in try await api.getManifest(context) },
        Route(.put, "bots/:bot_id/manifest") { api, request, context in try await api.putManifest(request, context) },
        Route(.delete, "bots/:bot_id/manifest") { api, request, context in
            try await api.deleteManifest(request, context)
        },
        Route(.post, "bots/:bot_id/enable") { api, request, context in try await api.setEnabled(true, request, context) },
        Route(.post, "bots/:bot_id/disable") { api, request, context in
            try await api.setEnabled(false, request, context)
        },
        Route(.get, "audit") { api, request, context in try await api.auditRecords(request, context) },
        Route(.post, "manifests/validate") { api, request, context in try await api.validate(request, context) },
        Route(.get, "bots/:bot_id/dead-letters") { api, request, context in try await api.deadLetters(request, context) },
        Route(.post, "bots/:bot_id/dead-letters/retry") { api, request, context in try await api.retry(request, context) },
        Route(.post, "bots/:bot_id/broadcasts") { api, request, context in try await api.broadcast(request, context) },
        Route(.get, "bots/:bot_id/broadcasts/:broadcast_id") { api, _, context in try await api.broadcastProgress(context) },
        Route(.post, "bots/:bot_id/sandbox/messages") { api, request, context in try await api.sandboxSend(request, context) },
        Route(.post, "bots/:bot_id/sandbox/presses") { api, request, context in try await api.sandboxPress(request, context) },
        Route(.get, "bots/:bot_id/people/:user_id/export") { api, request, context in
            try await api.exportPerson(request, context)
        },
        Route(.get, "bots/:bot_id/sandbox/chats/:user_id") { api, request, context in
            try await api.sandboxConversation(request, context)
        },
    ]

    /// The methods a path below `/api/v1` answers to; empty when no route has that path.
    static func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods = routes.filter { route in
            let pattern = route.path.split(separator: "/")
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }.map(\.method)
        if segments == ["openapi.yaml"] || segments == ["remote-plugin-protocol.yaml"] { methods.append(.get) }
        return methods
    }
}
