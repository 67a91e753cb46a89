import Foundation
import Hummingbird
import HTTPTypes
import Logging
import Storage

/// The operator dashboard at `/`: server-rendered pages with a little plain JavaScript.
///
/// People sign in with a management token (admin or brand) and get an HttpOnly, SameSite
/// session cookie; a brand token sees its own brand's bots only, exactly as in the management
/// API, whose operations the pages reuse. Every form carries the session's CSRF token.
struct Dashboard: Sendable {
    let api: ManagementAPI
    let sessions: DashboardSessions
    let templates: DashboardTemplates
    /// How often and how long the live feed streams.
    var liveFeed = LiveFeed()
    /// The Matrix application service, whose store knows the rooms a Matrix bot left encrypted.
    var matrix: MatrixHub?

    /// The cookie that ties the sign-in form to the browser that loaded it (login CSRF).
    static let loginCookie = "aviary_login"

    var supervisor: Supervisor { api.supervisor }

    /// Adds the dashboard's routes to `router`.
    func register(on router: Router<HostRequestContext>) {
        DashboardAssets.register(on: router)
        router.get("login") { request, _ in loginPage(request) }
        router.post("login") { request, context in try await signIn(request, context) }

        let pages = router.group()
            .add(middleware: DashboardErrorMiddleware(templates: templates, sessions: sessions))
            .add(middleware: DashboardAuthMiddleware(sessions: sessions))
        pages.post("logout") { request, context in signOut(request, context) }
        pages.get("/") { request, context in try await botsPage(request, context) }
        pages.get("events") { request, context in try liveEvents(request, context) }
        pages.get("bots/:bot_id") { request, context in try await botPage(request, context) }
        for command in [BotCommand.start, .stop, .restart] {
            pages.post("bots/:bot_id/\(command.rawValue)") { request, context in
                try await perform(command, request, context)
            }
        }
        pages.post("bots/:bot_id/dead-letters/retry") { request, context in try await retry(request, context) }
        pages.post("bots/:bot_id/people/export") { request, context in try await exportPerson(request, context) }
        pages.post("reload") { request, context in try await reload(request, context) }
        pages.get("manifests/new") { request, context in try newBotPage(request, context) }
        pages.post("manifests/new") { request, context in try await saveManifest(request, context, isNew: true) }
        pages.get("bots/:bot_id/manifest") { request, context in try await manifestPage(request, context) }
        pages.post("bots/:bot_id/manifest") { request, context in
            try await saveManifest(request, context, isNew: false)
        }
        pages.post("bots/:bot_id/enable") { request, context in try await setEnabled(true, request, context) }
        pages.post("bots/:bot_id/disable") { request, context in try await setEnabled(false, request, context) }
        pages.get("bots/:bot_id/delete") { request, context in try await deletePage(request, context) }
        pages.post("bots/:bot_id/delete") { request, context in try await delete(request, context) }
        pages.get("activity") { request, context in try await activityPage(request, context) }
        pages.get("chat") { request, context in try await chatPage(request, context) }
        pages.post("chat/:bot_id/messages") { request, context in try await chatSend(request, context) }
        pages.post("chat/:bot_id/presses") { request, context in try await chatPress(request, context) }
        pages.get("chat/:bot_id/conversations/:user_id") { request, context in
            try await api.sandboxConversation(request, context)
        }
    }

    // MARK: Signing in and out

    private func loginPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        if error == nil, let id = request.cookies[DashboardAuthMiddleware.cookieName]?.value,
            sessions.session(id: id) != nil
        {
            return .redirect(to: "/")
        }
        let token = DashboardSessions.randomToken()
        var response = templates.render(.login, LoginPage(loginCSRF: token, error: error), status: status)
        response.setCookie(Self.cookie(Self.loginCookie, token, path: "/login", request: request))
        return response
    }

    private func signIn(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: DashboardAuthMiddleware.maximumForm))
        let expected = request.cookies[Self.loginCookie]?.value ?? ""
        guard !expected.isEmpty, APITokens.constantTimeEqual(Array((form["csrf"] ?? "").utf8), Array(expected.utf8)) else {
            return loginPage(request, error: "The sign-in form expired. Try again.", status: .forbidden)
        }
        let address = api.proxies.client(peer: context.remoteAddress, headers: request.headers)
        guard let token = form.trimmed("token"), let caller = api.tokens.current.caller(for: token) else {
            if let wait = api.limiter.retryAfter(for: address) {
                let seconds = BearerAuthMiddleware.retrySeconds(wait)
                var response = loginPage(
                    request, error: "Too many failed attempts from this address. Try again in \(seconds) s.",
                    status: .tooManyRequests)
                response.headers[.retryAfter] = "\(seconds)"
                return response
            }
            api.limiter.recordFailure(from: address)
            context.logger.notice("dashboard: sign-in with an unknown token", metadata: ["peer": "\(address)"])
            await api.audit.record(
                AuditEntry(actor: "unknown", address: address, action: "sign_in", outcome: "failed"))
            return loginPage(request, error: "That token is not valid. Use the admin token or a brand token.", status: .unauthorized)
        }
        let session = sessions.open(for: caller, name: api.actorName(caller))
        context.logger.notice("dashboard: signed in", metadata: ["caller": "\(caller.label)", "peer": "\(address)"])
        var brand: String?
        if case .brand(let own) = caller { brand = own }
        await api.audit.record(
            AuditEntry(actor: api.actorName(caller), address: address, action: "sign_in", brand: brand, outcome: "ok"))
        var response = Response.redirect(to: "/")
        response.setCookie(Self.cookie(DashboardAuthMiddleware.cookieName, session.id, path: "/", request: request))
        response.setCookie(Self.cookie(Self.loginCookie, "", path: "/login", request: request, maxAge: 0))
        return response
    }

    private func signOut(_ request: Request, _ context: HostRequestContext) -> Response {
        if let session = context.session { sessions.close(id: session.id) }
        var response = Response.redirect(to: "/login")
        response.setCookie(Self.cookie(DashboardAuthMiddleware.cookieName, "", path: "/", request: request, maxAge: 0))
        return response
    }

    /// An HttpOnly, SameSite=Strict cookie, marked Secure when the request came over HTTPS
    /// through a proxy that says so (`X-Forwarded-Proto: https`).
    static func cookie(_ name: String, _ value: String, path: String, request: Request, maxAge: Int? = nil) -> Cookie {
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: secure, httpOnly: true, sameSite: .strict)
    }
}
