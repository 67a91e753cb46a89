import Foundation
import Hummingbird
import Storage

/// The "Activity" page: the audit log, newest first, as the signed-in token may read it.
extension Dashboard {
    /// `GET /activity?bot=&before=`: one page of records (the API's query and scoping).
    func activityPage(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let session = try requireSession(context)
        let page = try await api.auditRecords(request, context)
        var chrome = Chrome(title: "Activity", session: session)
        chrome.onActivity = true
        let formatter = ISO8601DateFormatter()
        let bot = request.uri.queryParameters["bot"].map(String.init)
        let records = page.records.map { record in
            ActivityPage.Record(
                id: record.id,
                at: formatter.string(from: record.at),
                actor: record.entry.actor,
                address: record.entry.address ?? "",
                action: record.entry.action,
                bot: record.entry.bot ?? "",
                brand: record.entry.brand ?? "",
                outcome: record.entry.outcome,
                detail: record.entry.detail ?? "",
                hasDetail: record.entry.detail != nil
            )
        }
        let next = page.nextBefore.map { before in
            "/activity?before=\(before)" + (bot.map { "&bot=\(Self.pathSegment($0))" } ?? "")
        }
        return templates.render(
            .activity,
            ActivityPage(chrome: chrome, records: records, hasRecords: !records.isEmpty, bot: bot, next: next)
        )
    }
}
