import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import HTTPTypes
import Logging
import NIOCore
import Tenant

/// `POST /webhook/{bot_id}`: Telegram's webhook deliveries.
///
/// The secret header is checked in constant time before anything else (missing: 401, wrong:
/// 403), the body is capped at 1 MiB (413), an unknown bot is 404 and a bot that is not running
/// 503, a body that is not an update is 400. An update is answered 200 only after it is in the
/// bot's inbox, so Telegram redelivers whatever was not stored.
struct WebhookRoute: Sendable {
    /// The largest body accepted.
    static let maximumBody = 1 << 20
    /// The header Telegram puts the webhook's secret token in.
    static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!

    let directory: BotDirectory
    let secret: HostSecret

    /// Adds the route to `router`.
    func register(on router: Router<HostRequestContext>) {
        router.post("webhook/:bot_id") { request, context in
            try await handle(request, context: context)
        }
    }

    func handle(_ request: Request, context: HostRequestContext) async throws -> Response {
        let id = try context.parameters.require("bot_id")
        guard let presented = request.headers[Self.secretHeader] else {
            throw Problem(status: .unauthorized, detail: "missing X-Telegram-Bot-Api-Secret-Token header")
        }
        let expected = secret.webhookSecret(for: id)
        guard APITokens.constantTimeEqual(Array(presented.utf8), Array(expected.utf8)) else {
            context.logger.warning("webhook delivery with a wrong secret refused", metadata: ["bot": "\(id)"])
            throw Problem(status: .forbidden, detail: "wrong secret token")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBody {
            throw Problem(status: .contentTooLarge, detail: "the body is larger than 1 MiB")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBody)
        } catch {
            throw Problem(status: .contentTooLarge, detail: "the body is larger than 1 MiB")
        }
        guard let entry = directory[id], entry.manifest.telegram.mode == .webhook else {
            throw Problem.notFound("no webhook bot '\(id)' on this host")
        }
        guard let tenant = entry.tenant else {
            throw Problem.unavailable("bot '\(id)' is not running; deliver again later")
        }
        let update: ReceivedUpdate
        do {
            update = try TelegramUpdateDecoder.envelope(of: Data(buffer: body))
        } catch {
            throw Problem.badRequest("the body is not a Telegram update: \(error)")
        }
        do {
            try await tenant.ingest([update])
        } catch {
            throw Problem.unavailable("bot '\(id)' cannot take updates now (\(error)); deliver again later")
        }
        return Response(status: .ok)
    }
}
