import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import HTTPTypes

/// An error answered as RFC 9457 problem details (`application/problem+json`).
struct Problem: Error, HTTPResponseError, Sendable {
    /// The HTTP status.
    var status: HTTPResponse.Status
    /// What went wrong and, where it helps, what to do.
    var detail: String
    /// Extra headers (`WWW-Authenticate`, `Retry-After`).
    var headers: HTTPFields = [:]

    /// The body as sent.
    struct Body: Encodable {
        var type = "about:blank"
        var title: String
        var status: Int
        var detail: String
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(title: status.reasonPhrase, status: status.code, detail: detail)
        let data = try JSONEncoder().encode(body)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// `text` as an answer may quote it: at most 100 characters, then `…`.
    static func excerpt(_ text: some StringProtocol) -> String {
        text.count > 100 ? String(text.prefix(99)) + "…" : String(text)
    }

    static func notFound(_ detail: String) -> Problem { Problem(status: .notFound, detail: detail) }
    static func badRequest(_ detail: String) -> Problem { Problem(status: .badRequest, detail: detail) }
    static func conflict(_ detail: String) -> Problem { Problem(status: .conflict, detail: detail) }
    static func unavailable(_ detail: String) -> Problem { Problem(status: .serviceUnavailable, detail: detail) }
}
