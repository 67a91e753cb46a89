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

    // MARK: Bots

    private func listBots(_ context: HostRequestContext) async throws -> BotListView {
        var views: [BotSummaryView] = []
        for entry in supervisor.directory.all where context.caller?.mayAccess(brand: entry.manifest.brand) == true {
            views.append(await summary(of: entry))
        }
        return BotListView(bots: views)
    }

    private func botDetail(_ context: HostRequestContext) async throws -> BotDetailView {
        let entry = try visibleBot(context)
        let status = try? await entry.tenant?.status()
        return BotDetailView(
            bot: await summary(of: entry),
            manifest: ManifestView(entry.manifest),
            plugins: entry.manifest.plugins.map(\.name),
            lastError: status?.store.lastError,
            lastErrorAt: status?.store.lastErrorAt,
            recentErrors: recentErrors.entries(for: entry.manifest.id).map {
                RecentErrorView(at: $0.at, level: $0.level, message: $0.message)
            })
    }

    private func command(_ command: BotCommand, _ context: HostRequestContext) async throws -> BotSummaryView {
        let entry = try visibleBot(context)
        do {
            try await supervisor.perform(command, on: entry.manifest.id)
        } catch {
            switch error {
            case .unknownBot: throw Problem.notFound(error.description)
            case .shuttingDown: throw Problem.unavailable(error.description)
            }
        }
        context.logger.notice("bot \(command.rawValue) by API", metadata: ["bot": "\(entry.manifest.id)"])
        guard let updated = supervisor.directory[entry.manifest.id] else {
            throw Problem.notFound("bot '\(entry.manifest.id)' is gone")
        }
        return await summary(of: updated)
    }

    // MARK: Host

    private func reload(_ context: HostRequestContext) async throws -> ReloadView {
        guard context.caller == .admin else {
            throw Problem(status: .forbidden, detail: "reload affects every brand; it needs the admin token")
        }
        return ReloadView(await supervisor.reload())
    }

    private func validate(_ request: Request, _ context: HostRequestContext) async throws -> ValidationView {
        let body = try await request.body.collect(upTo: 256 << 10)
        guard body.readableBytes > 0 else {
            throw Problem.badRequest("send the manifest's YAML as the request body")
        }
        let yaml = String(buffer: body)
        guard case .mapping? = (try? Yams.compose(yaml: yaml)) ?? nil else {
            throw Problem.badRequest("the body is not a YAML mapping; send the manifest as written in bots.d")
        }
        let name = request.uri.queryParameters["file"].map(String.init) ?? "manifest.yaml"
        guard Self.isPlainFileName(name) else {
            throw Problem.badRequest("file must be a plain file name ending in .yaml or .yml, such as han-ru.yaml")
        }
        switch loader.validate(yaml: yaml, fileName: name) {
        case .success(let bot):
            let manifest = bot.manifest
            return ValidationView(
                valid: true,
                bot: .init(
                    id: manifest.id, name: manifest.name, brand: manifest.brand, platform: manifest.platform.rawValue,
                    mode: manifest.receiveMode, plugins: manifest.plugins.map(\.name)),
                errors: [])
        case .failure(let errors):
            return ValidationView(
                valid: false, bot: nil,
                errors: errors.errors.map { .init(line: $0.line, key: $0.key, message: $0.message) })
        }
    }

    // MARK: Delivery

    private func deadLetters(_ request: Request, _ context: HostRequestContext) async throws -> DeadLettersView {
        let tenant = try runningTenant(context)
        let limit = try Self.limit(request)
        let rows = try await tenantCall { try await tenant.deadLetters(limit: limit) }
        return DeadLettersView(deadLetters: rows.map(DeadLetterView.init))
    }

    private func retry(_ request: Request, _ context: HostRequestContext) async throws -> RetriedView {
        struct Body: Decodable {
            var ids: [Int64]?

            init() {}

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                ids = try container.decodeUnlessAbsent([Int64].self, forKey: .ids)
            }

            enum CodingKeys: String, CodingKey { case ids }
        }
        let tenant = try runningTenant(context)
        let body: Body = try await decodeOptional(request, context) ?? Body()
        let count = try await tenantCall { try await tenant.retryDeadLetters(body.ids) }
        return RetriedView(requeued: count)
    }

    private func broadcast(_ request: Request, _ context: HostRequestContext) async throws -> EditedResponse<BroadcastView> {
        struct Filter: Decodable {
            var kinds: [String]?
            var activeSince: Date?
            var languages: [String]?

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                kinds = try container.decodeUnlessAbsent([String].self, forKey: .kinds)
                activeSince = try container.decodeUnlessAbsent(Date.self, forKey: .activeSince)
                languages = try container.decodeUnlessAbsent([String].self, forKey: .languages)
            }

            enum CodingKeys: String, CodingKey { case kinds, activeSince, languages }
        }
        struct Body: Decodable {
            var text: String
            var parseMode: String?
            var filter: Filter?

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                text = try container.decode(String.self, forKey: .text)
                parseMode = try container.decodeUnlessAbsent(String.self, forKey: .parseMode)
                filter = try container.decodeUnlessAbsent(Filter.self, forKey: .filter)
            }

            enum CodingKeys: String, CodingKey { case text, parseMode, filter }
        }
        let tenant = try runningTenant(context)
        guard let body: Body = try await decodeOptional(request, context) else {
            throw Problem.badRequest("send a JSON body with at least {\"text\": \"…\"}")
        }
        guard !body.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem.badRequest("text is empty; write the message to broadcast")
        }
        var parseMode: ParseMode?
        if let mode = body.parseMode {
            guard let parsed = ParseMode(rawValue: mode) else {
                throw Problem.badRequest("parse_mode '\(mode)' is unknown; use HTML or MarkdownV2")
            }
            parseMode = parsed
        }
        let kinds = body.filter?.kinds ?? ["private"]
        let allowedKinds: Set<String> = ["private", "group", "supergroup", "channel"]
        if let unknown = kinds.first(where: { !allowedKinds.contains($0) }) {
            throw Problem.badRequest("filter.kinds: '\(unknown)' is not a chat kind; use private, group, supergroup or channel")
        }
        let filter = BroadcastFilter(kinds: kinds, activeSince: body.filter?.activeSince, languages: body.filter?.languages)
        let id = try await tenantCall { try await tenant.broadcast(body.text, parseMode: parseMode, filter: filter) }
        guard let progress = try await tenantCall({ try await tenant.broadcastProgress(id: id) }) else {
            throw Problem.notFound("broadcast \(id) was not recorded")
        }
        return EditedResponse(status: .accepted, response: BroadcastView(progress))
    }

    private func broadcastProgress(_ context: HostRequestContext) async throws -> BroadcastView {
        let tenant = try runningTenant(context)
        guard let id = context.parameters.get("broadcast_id", as: Int64.self) else {
            throw Problem.badRequest("broadcast_id must be a whole number")
        }
        guard let progress = try await tenantCall({ try await tenant.broadcastProgress(id: id) }), progress.id == id else {
            throw Problem.notFound("no broadcast \(id) in this bot")
        }
        return BroadcastView(progress)
    }

    // MARK: Sandbox

    private func sandboxSend(_ request: Request, _ context: HostRequestContext) async throws -> EditedResponse<SandboxAcceptedView> {
        let (tenant, sandbox) = try sandboxBot(context)
        guard let body: SandboxMessageRequest = try await decodeOptional(request, context) else {
            throw Problem.badRequest("send a JSON body such as {\"user_id\": 1, \"text\": \"/start\"}")
        }
        try body.validate()
        guard let tenant else { throw Problem.conflict("the bot is not running; start it first") }
        let update = sandbox.userWrites(body.text, as: body.user)
        try await tenantCall { try await tenant.ingest([update]) }
        return EditedResponse(status: .accepted, response: SandboxAcceptedView(updateId: update.id))
    }

    private func sandboxPress(_ request: Request, _ context: HostRequestContext) async throws -> EditedResponse<SandboxAcceptedView> {
        let (tenant, sandbox) = try sandboxBot(context)
        guard let body: SandboxPressRequest = try await decodeOptional(request, context) else {
            throw Problem.badRequest("send a JSON body such as {\"user_id\": 1, \"message_id\": 2, \"data\": \"reply:rules\"}")
        }
        try body.validate()
        guard let tenant else { throw Problem.conflict("the bot is not running; start it first") }
        let update: ReceivedUpdate
        do {
            update = try sandbox.userPresses(body.data, onMessage: body.messageId, as: body.user)
        } catch let error as SandboxError {
            throw Problem.badRequest(error.description)
        }
        try await tenantCall { try await tenant.ingest([update]) }
        return EditedResponse(status: .accepted, response: SandboxAcceptedView(updateId: update.id))
    }

    private func sandboxConversation(_ request: Request, _ context: HostRequestContext) async throws -> SandboxConversationView {
        let (_, sandbox) = try sandboxBot(context)
        guard let userID = context.parameters.get("user_id", as: Int64.self), userID >= 1 else {
            throw Problem.badRequest("user_id must be a whole number of 1 or more")
        }
        let after = try Self.integerQuery(request, "after", range: 0...Int64.max, default: 0)
        let wait = try Self.integerQuery(request, "wait", range: 0...30, default: 0)
        let messages = await sandbox.waitForMessages(chatID: userID, after: after, timeout: .seconds(wait))
        return SandboxConversationView(messages: messages, after: after)
    }

    /// The sandbox bot named in the path (404 for a bot of another platform) and its Tenant
    /// while it runs.
    private func sandboxBot(_ context: HostRequestContext) throws -> (Tenant?, SandboxPlatform) {
        let entry = try visibleBot(context)
        guard entry.manifest.platform == .sandbox, let sandbox = supervisor.sandboxes[entry.manifest.id] else {
            throw Problem.notFound("bot '\(entry.manifest.id)' is not a sandbox bot")
        }
        return (entry.tenant, sandbox)
    }

    // MARK: Helpers

    /// The bot named in the path, if the caller may see it; 404 otherwise, so a brand token
    /// cannot even learn that another brand's bot exists.
    private func visibleBot(_ context: HostRequestContext) throws -> BotDirectory.Entry {
        let id = try context.parameters.require("bot_id")
        guard let entry = supervisor.directory[id], context.caller?.mayAccess(brand: entry.manifest.brand) == true else {
            throw Problem.notFound("no bot '\(id)'")
        }
        return entry
    }

    private func runningTenant(_ context: HostRequestContext) throws -> Tenant {
        let entry = try visibleBot(context)
        guard let tenant = entry.tenant else {
            throw Problem.conflict("bot '\(entry.manifest.id)' is not running; start it first")
        }
        return tenant
    }

    /// Runs a Tenant call, answering 409 when the bot is not running.
    private func tenantCall<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as TenantError {
            throw Problem.conflict(error.reason)
        }
    }

    private func summary(of entry: BotDirectory.Entry) async -> BotSummaryView {
        let manifest = entry.manifest
        let state = supervisor.states.snapshot[manifest.id] ?? .stopped
        var failure: String?
        if case .failed(let reason) = state { failure = reason }
        let counters = try? await entry.tenant?.status()
        let startedAt = counters?.startedAt
        return BotSummaryView(
            id: manifest.id, name: manifest.name, brand: manifest.brand, platform: manifest.platform.rawValue,
            mode: manifest.receiveMode, state: state.name, failure: failure,
            stoppedByOperator: entry.stoppedByOperator, startedAt: startedAt,
            uptimeSeconds: startedAt.map { max(0, Int(Date().timeIntervalSince($0))) },
            counters: counters.map { CountersView($0.store) })
    }

    /// A JSON body, or `nil` when there is none.
    private func decodeOptional<T: Decodable>(_ request: Request, _ context: HostRequestContext) async throws -> T? {
        let buffer = try await request.body.collect(upTo: 256 << 10)
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try context.requestDecoder.decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw Problem.badRequest("the body does not fit: \(error.plainDescription)")
        } catch {
            throw Problem.badRequest("the body is not JSON: \(error)")
        }
    }

    private static func integerQuery(_ request: Request, _ name: String, range: ClosedRange<Int64>, default value: Int64) throws
        -> Int64
    {
        guard let text = request.uri.queryParameters[Substring(name)] else { return value }
        guard let number = Int64(String(text)), range.contains(number) else {
            throw Problem.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return 20 }
        guard let limit = Int(String(text)), (1...500).contains(limit) else {
            throw Problem.badRequest("limit must be a whole number from 1 to 500")
        }
        return limit
    }

    private static func isPlainFileName(_ name: String) -> Bool {
        !name.contains("/") && !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }
}

extension KeyedDecodingContainer {
    /// The value for `key`, `nil` when the key is absent; an explicit `null` is an error, as
    /// the API's schema says.
    func decodeUnlessAbsent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        contains(key) ? try decode(type, forKey: key) : nil
    }
}

extension DecodingError {
    /// What is wrong and where, in a sentence.
    var plainDescription: String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the body" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) should be \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)) should be \(type), not null"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(self)"
        }
    }
}
