import Foundation
import Hummingbird
import Storage

/// The audit log through the API: recording what callers change, and reading it back.
extension ManagementAPI {
    /// Records a change made by this request's caller, from its client's address.
    func audit(
        _ action: String,
        bot: String?,
        brand: String?,
        outcome: String,
        detail: String? = nil,
        _ request: Request,
        _ context: HostRequestContext
    ) async {
        await audit.record(
            AuditEntry(
                actor: actorName(context.caller),
                address: proxies.client(peer: context.remoteAddress, headers: request.headers),
                action: action,
                bot: bot,
                brand: brand,
                outcome: outcome,
                detail: detail
            )
        )
    }

    /// `admin`, or `brand:han (Han operators)` with the token's display name when it has one.
    func actorName(_ caller: Caller?) -> String {
        switch caller {
        case .admin?: return "admin"
        case .brand(let brand)?:
            guard let name = tokens.current.displayNames[brand] else { return "brand:\(brand)" }
            return "brand:\(brand) (\(name))"
        case nil: return "unknown"
        }
    }

    /// `GET /audit?bot=&brand=&since=&before=&limit=`: records newest first; a brand token reads
    /// its own brand's records only.
    func auditRecords(_ request: Request, _ context: HostRequestContext) async throws -> AuditPageView {
        var query = AuditQuery(limit: try Self.limit(request))
        if let bot = request.uri.queryParameters["bot"] {
            guard (1...63).contains(bot.utf8.count) else { throw Problem.badRequest("bot must be a bot id") }
            query.bot = String(bot)
        }
        if let brand = request.uri.queryParameters["brand"] {
            guard (1...200).contains(brand.utf8.count) else { throw Problem.badRequest("brand must be a brand name") }
            query.brand = String(brand)
        }
        if case .brand(let own)? = context.caller {
            if let asked = query.brand, asked != own { return AuditPageView(records: [], nextBefore: nil) }
            query.brand = own
        }
        if let since = request.uri.queryParameters["since"] {
            guard let date = RFC3339.date(from: String(since)) else {
                throw Problem.badRequest("since must be an RFC 3339 date-time such as 2026-11-25T09:00:00Z")
            }
            query.since = date
        }
        if request.uri.queryParameters["before"] != nil {
            query.before = try Self.integerQuery(request, "before", range: 1...Int64.max, default: 1)
        }
        let records: [AuditRecord]
        do {
            records = try await audit.records(query)
        } catch {
            throw Problem(status: .internalServerError, detail: "the audit log cannot be read: \(error)")
        }
        return AuditPageView(records: records, nextBefore: records.count == query.limit ? records.last?.id : nil)
    }
}
