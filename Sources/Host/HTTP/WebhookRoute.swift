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
/// A path id that cannot be a bot id (`[a-z0-9][a-z0-9-]{0,62}`) is 404 at once; then the
/// secret header is checked in constant time (missing: 401, wrong: 403), the body is capped at
/// 1 MiB (413), an unknown bot is 404 and a bot that is not running 503, a body that is not an
/// update is 400. An update is answered 200 only after it is in the bot's inbox, so Telegram
/// redelivers whatever was not stored.
///
/// Refusals before the secret matched create no state and touch no bot's recent errors: they
/// are counted, and the count is logged at most once a minute (``WebhookRefusals``).
struct WebhookRoute: Sendable {
    /// The largest body accepted.
    static let maximumBody = 1 << 20
    /// The header Telegram puts the webhook's secret token in.
    static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!

    let table: BotTable
    let secret: HostSecret
    /// Where refused deliveries are counted.
    var refusals = WebhookRefusals()

    /// Adds the route to `router`.
    func register(on router: Router<HostRequestContext>) {
        router.post("webhook/:bot_id") { request, context in
            try await handle(request, context: context)
        }
    }

    func handle(_ request: Request, context: HostRequestContext) async throws -> Response {
        let id = try context.parameters.require("bot_id")
        guard ManifestValidation.isValidID(id) else {
            throw Problem.notFound("no webhook bot here: a bot id is 1 to 63 of a-z, 0-9 and '-'")
        }
        guard let presented = request.headers[Self.secretHeader] else {
            refusals.record("no secret header", id: id, logger: context.logger)
            throw Problem(status: .unauthorized, detail: "missing X-Telegram-Bot-Api-Secret-Token header")
        }
        let expected = secret.webhookSecret(for: id)
        guard APITokens.constantTimeEqual(Array(presented.utf8), Array(expected.utf8)) else {
            refusals.record("wrong secret", id: id, logger: context.logger)
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
        guard let entry = table[id], entry.manifest.telegram.mode == .webhook else {
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
