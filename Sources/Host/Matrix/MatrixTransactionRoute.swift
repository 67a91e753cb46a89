import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import NIOFoundationCompat
import Tenant

/// The application-service routes the homeserver calls:
/// `PUT /_matrix/app/v1/transactions/{txnId}` (events) and `POST /_matrix/app/v1/ping`.
///
/// The `hs_token` is read from `Authorization: Bearer` or the legacy `access_token` query and
/// compared in constant time (missing: 401 `M_UNAUTHORIZED`, wrong: 403 `M_FORBIDDEN`); the body
/// is capped at ``maximumBody`` (413); a body that is not a transaction is 400 `M_BAD_JSON`.
/// Every event is spooled durably before the 200, so the homeserver resends whatever was not.
struct MatrixTransactionRoute: Sendable {
    /// The largest transaction body taken: 100 events of at most 64 KiB, and room to spare.
    static let maximumBody = 8 << 20
    /// The longest transaction id taken in the path.
    static let longestTransactionID = 255

    let hub: MatrixHub

    /// Adds the routes to `router`.
    func register(on router: Router<HostRequestContext>) {
        router.put("_matrix/app/v1/transactions/:txn") { request, context in
            try await transaction(request, context: context)
        }
        router.post("_matrix/app/v1/ping") { request, _ in
            if let refusal = refusal(of: request) { return refusal }
            return Self.answer(.ok, [:])
        }
    }

    func transaction(_ request: Request, context: HostRequestContext) async throws -> Response {
        if let refusal = refusal(of: request) { return refusal }
        let txn = context.parameters.get("txn") ?? ""
        guard !txn.isEmpty, txn.utf8.count <= Self.longestTransactionID else {
            return Self.error(.badRequest, "M_INVALID_PARAM", "a transaction id is 1 to 255 bytes")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBody {
            return Self.error(.contentTooLarge, "M_TOO_LARGE", "the body is larger than 8 MiB")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBody)
        } catch {
            return Self.error(.contentTooLarge, "M_TOO_LARGE", "the body is larger than 8 MiB")
        }
        let parsed: (events: [MatrixEvent], skipped: Int)
        do {
            parsed = try MatrixTransactionParser.events(in: Data(buffer: body))
        } catch {
            return Self.error(.badRequest, "M_BAD_JSON", "\(error)")
        }
        if parsed.skipped > 0 {
            context.logger.notice(
                "matrix: transaction \(txn.prefix(64)): \(parsed.skipped) unreadable event(s) skipped"
            )
        }
        do {
            _ = try hub.ingest(parsed.events)
        } catch {
            context.logger.error("matrix: cannot spool transaction \(txn.prefix(64)): \(error)")
            return Self.error(.serviceUnavailable, "M_UNKNOWN", "cannot store the events now; send again")
        }
        return Self.answer(.ok, [:])
    }

    /// 401 or 403 when the request does not carry the `hs_token`; `nil` when it does.
    func refusal(of request: Request) -> Response? {
        var presented: String?
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            presented = String(header.dropFirst("Bearer ".count))
        } else if let query = request.uri.queryParameters.get("access_token") {
            presented = query
        }
        guard let presented else {
            return Self.error(.unauthorized, "M_UNAUTHORIZED", "missing the homeserver token")
        }
        guard APITokens.constantTimeEqual(APITokens.digest(of: presented), APITokens.digest(of: hub.config.hsToken))
        else {
            return Self.error(.forbidden, "M_FORBIDDEN", "wrong homeserver token")
        }
        return nil
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        answer(status, ["errcode": code, "error": message])
    }

    static func answer(_ status: HTTPResponse.Status, _ object: [String: String?]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object.compactMapValues { $0 })) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}
