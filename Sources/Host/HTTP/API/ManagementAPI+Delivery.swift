import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import HTTPTypes
import Logging
import Storage
import Tenant
import Yams

/// Dead letters and broadcasts.
extension ManagementAPI {
    /// The most dead letters one retry may name (each is requeued in one transaction).
    static let retryBatch = 500

    func deadLetters(_ request: Request, _ context: HostRequestContext) async throws -> DeadLettersView {
        let tenant = try runningTenant(context)
        let limit = try Self.limit(request)
        let rows = try await tenantCall { try await tenant.deadLetters(limit: limit) }
        return DeadLettersView(deadLetters: rows.map(DeadLetterView.init))
    }

    func retry(_ request: Request, _ context: HostRequestContext) async throws -> RetriedView {
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
        if let ids = body.ids {
            guard ids.count <= Self.retryBatch else {
                throw Problem.badRequest(
                    "ids holds \(ids.count) dead letters; retry at most \(Self.retryBatch) at once")
            }
            if let bad = ids.first(where: { $0 < 1 }) {
                throw Problem.badRequest("ids: \(bad) is not a dead letter's number; they start at 1")
            }
        }
        let count = try await tenantCall { try await tenant.retryDeadLetters(body.ids) }
        return RetriedView(requeued: count)
    }

    func broadcast(_ request: Request, _ context: HostRequestContext) async throws -> EditedResponse<BroadcastView> {
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
                throw Problem.badRequest("parse_mode '\(Problem.excerpt(mode))' is unknown; use HTML or MarkdownV2")
            }
            parseMode = parsed
        }
        try MessageTextLimit.broadcast.check(body.text, field: "text", parseMode: parseMode)
        let languages = body.filter?.languages ?? []
        guard languages.count <= 100, languages.allSatisfy({ (1...35).contains($0.unicodeScalars.count) }) else {
            throw Problem.badRequest("filter.languages holds at most 100 language codes of 1 to 35 characters each")
        }
        var seen = Set<String>()
        let kinds = (body.filter?.kinds ?? ["private"]).filter { seen.insert($0).inserted }
        let allowedKinds: Set<String> = ["private", "group", "supergroup", "channel"]
        if let unknown = kinds.first(where: { !allowedKinds.contains($0) }) {
            throw Problem.badRequest(
                "filter.kinds: '\(Problem.excerpt(unknown))' is not a chat kind; use private, group, supergroup or channel")
        }
        let filter = BroadcastFilter(kinds: kinds, activeSince: body.filter?.activeSince, languages: body.filter?.languages)
        let id = try await tenantCall { try await tenant.broadcast(body.text, parseMode: parseMode, filter: filter) }
        guard let progress = try await tenantCall({ try await tenant.broadcastProgress(id: id) }) else {
            throw Problem.notFound("broadcast \(id) was not recorded")
        }
        let entry = try visibleBot(context)
        await audit(
            "broadcast.started", bot: entry.manifest.id, brand: entry.manifest.brand, outcome: "ok",
            detail: "broadcast \(id) to \(progress.total) chat(s)", request, context)
        return EditedResponse(status: .accepted, response: BroadcastView(progress))
    }

    func broadcastProgress(_ context: HostRequestContext) async throws -> BroadcastView {
        let tenant = try runningTenant(context)
        guard let id = context.parameters.get("broadcast_id", as: Int64.self), id >= 1 else {
            throw Problem.badRequest("broadcast_id must be a whole number from 1 to \(Int64.max)")
        }
        guard let progress = try await tenantCall({ try await tenant.broadcastProgress(id: id) }), progress.id == id else {
            throw Problem.notFound("no broadcast \(id) in this bot")
        }
        return BroadcastView(progress)
    }
}
