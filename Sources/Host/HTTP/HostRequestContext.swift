import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: the peer's address (for auth rate limiting), the
/// caller once authenticated, and JSON in snake_case with ISO 8601 dates.
struct HostRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connected peer.
    let remoteAddress: SocketAddress?
    /// Who called, once the bearer token or dashboard session was checked.
    var caller: Caller?
    /// The dashboard session, on dashboard routes once signed in.
    var session: DashboardSession?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Webhook bodies are capped by the route itself; API bodies are small.
    var maxUploadSize: Int { WebhookRoute.maximumBody }

    var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-25T09:00:00Z")
            }
            return date
        }
        return decoder
    }

    var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// RFC 3339 date-times, with or without fractional seconds.
enum RFC3339 {
    /// The date `text` names, if it is an RFC 3339 date-time.
    static func date(from text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
