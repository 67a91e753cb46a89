import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import Tenant

/// A person's data, out: the counterpart of the admin plugin's `/forget`.
extension ManagementAPI {
    /// `GET /bots/{bot_id}/people/{user_id}/export`: everything the running bot holds about the
    /// person (``PersonExport``) as one JSON document, recorded as `person.exported`.
    func exportPerson(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        try await exportPerson(userID: context.parameters.require("user_id"), request, context)
    }

    /// The export of the person `text` names (the path's `user_id`, or the dashboard's form
    /// field), once the caller may see the bot: 404 first, then 400 for a bad id, then 409 when
    /// the bot is not running.
    func exportPerson(userID text: String, _ request: Request, _ context: HostRequestContext) async throws -> Response {
        let entry = try visibleBot(context)
        let userID = try Self.personID(text)
        let tenant = try runningTenant(context)
        let export = try await tenantCall { try await tenant.exportPerson(userID) }
        let json = try export.json()
        let rows = export.host.rowCount + export.plugins.values.reduce(0) { $0 + $1.rowCount }
        let truncated = export.truncated.isEmpty ? "" : ", cut short: \(export.truncated.joined(separator: ", "))"
        await audit(
            "person.exported", bot: entry.manifest.id, brand: entry.manifest.brand, outcome: "ok",
            detail: "user \(userID), \(rows) row(s)\(truncated)", request, context)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// A person's platform id as the caller wrote it: ASCII digits for a whole number from 1 (no
    /// sign, space or other spelling).
    static func personID(_ text: String) throws -> Int64 {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard text.utf8.allSatisfy(digits.contains), let id = Int64(text), id >= 1 else {
            throw Problem.badRequest(
                "user_id '\(Problem.excerpt(text))' is not a person's id; write a whole number from 1 to \(Int64.max)")
        }
        return id
    }
}
