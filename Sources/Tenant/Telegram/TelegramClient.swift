public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore

/// Telegram's Bot API over HTTP: identifies the bot, long-polls updates and performs actions.
///
/// Calls go to `<api_url>/bot<token>/<method>` as POST requests with a JSON body. Failures are
/// classified into ``PlatformError`` kinds; no error or log line ever contains the token or the
/// request URL.
///
/// - Important: The `HTTPClient` is shared by every bot in the host; its connection pool must
///   allow one connection per long-polling bot. Cancelling the calling task aborts a call at once,
///   including a long poll.
public struct TelegramClient: PlatformClient, UpdatePoller {
    let token: String
    /// `<api_url>/bot<token>/`, to which a call appends its method; built once, not per call.
    let methodPrefix: String
    let httpClient: HTTPClient
    let logger: Logger
    let metrics: APICallMetrics
    /// How long an ordinary call may take, connecting included: a refused connection is retried
    /// until then, and then reported with its cause.
    var callTimeout: TimeAmount = .seconds(30)

    /// How long a long poll may take beyond the time Telegram holds it open.
    static let pollMargin: TimeAmount = .seconds(15)
    /// The longest `getUpdates` wait Telegram accepts, in seconds.
    static let longestPoll: Int64 = 50

    /// Creates a client for one bot.
    ///
    /// - Parameters:
    ///   - token: The bot's token; it only ever appears in request paths.
    ///   - apiURL: The Bot API server: Telegram's, a local Bot API server, or a test double.
    ///   - httpClient: The host's shared HTTP client.
    ///   - logger: Receives one debug line per failed call (method and code, never the token).
    ///   - metrics: Records each call's duration by method.
    public init(
        token: String,
        apiURL: URL = URL(string: "https://api.telegram.org")!,
        httpClient: HTTPClient,
        logger: Logger,
        metrics: APICallMetrics = .none
    ) {
        self.token = token
        self.methodPrefix = apiURL.appendingPathComponent("bot\(token)").absoluteString + "/"
        self.httpClient = httpClient
        self.logger = logger
        self.metrics = metrics
    }

    /// Calls `getMe`.
    ///
    /// - Throws: ``PlatformError`` with ``PlatformError/Kind/unauthorized`` when Telegram rejects the token.
    public func identify() async throws -> BotIdentity {
        let me: TelegramUser = try await call("getMe", EmptyRequest(), timeout: callTimeout)
        return BotIdentity(userID: me.id, username: me.username, displayName: me.first_name ?? me.username ?? "bot")
    }

    /// Calls `getUpdates` with up to 100 updates, waiting up to `timeout` (0–50 s) for the first.
    ///
    /// Each update is returned as its own JSON with its lane and type name, ready for the inbox.
    /// `allowed_updates` follows `kinds`, plus `my_chat_member` so the bot always learns it was blocked.
    public func poll(offset: Int64?, timeout: Duration, kinds: Set<UpdateKind>) async throws -> [ReceivedUpdate] {
        let seconds = min(max(timeout.components.seconds, 0), Self.longestPoll)
        let request = GetUpdatesRequest(
            offset: offset,
            limit: 100,
            timeout: Int(seconds),
            allowed_updates: UpdateKind.telegramAllowedUpdates(for: kinds)
        )
        let body = try await post("getUpdates", request, timeout: .seconds(seconds) + Self.pollMargin)
        return try Self.splitUpdates(body).map { raw in
            do {
                return try TelegramUpdateDecoder.envelope(of: raw)
            } catch {
                throw PlatformError(
                    kind: .transient,
                    method: "getUpdates",
                    message: "Telegram returned an update without a numeric update_id: \(error)"
                )
            }
        }
    }

    /// Performs an action: `sendMessage` (`sendPhoto` for a photo), `editMessageText`
    /// (`editMessageCaption` for a caption), `editMessageReplyMarkup` or `answerCallbackQuery`.
    ///
    /// - Returns: The sent or edited message's id; `nil` for a callback answer.
    public func perform(_ action: OutgoingAction) async throws -> DeliveryReceipt {
        switch action {
        case .send(let message):
            if let photo = message.photo {
                let sent: SentMessageResult = try await call(
                    "sendPhoto", SendPhotoRequest(message, photo: photo), timeout: callTimeout)
                return DeliveryReceipt(messageID: sent.message_id)
            }
            let sent: SentMessageResult = try await call(
                "sendMessage",
                SendMessageRequest(message),
                timeout: callTimeout
            )
            return DeliveryReceipt(messageID: sent.message_id)
        case .edit(let edit):
            let request = EditMessageRequest(edit)
            return try await performEdit(of: edit.messageID) {
                try await call(request.method, request, timeout: callTimeout)
            }
        case .editButtons(let edit):
            return try await performEdit(of: edit.messageID) {
                try await call("editMessageReplyMarkup", EditMessageReplyMarkupRequest(edit), timeout: callTimeout)
            }
        case .answerCallback(let answer):
            let _: Bool = try await call(
                "answerCallbackQuery",
                AnswerCallbackQueryRequest(answer),
                timeout: callTimeout
            )
            return DeliveryReceipt(messageID: nil)
        }
    }

    /// Runs an `editMessage…` call. Telegram refuses an edit that changes nothing ("message is
    /// not modified"); the message already looks as asked, so that counts as done.
    private func performEdit(of messageID: Int64, _ call: () async throws -> EditResult) async throws
        -> DeliveryReceipt
    {
        let result: EditResult
        do {
            result = try await call()
        } catch let error as PlatformError where error.kind == .permanent && error.message.contains("message is not modified") {
            result = .done
        }
        if case .message(let message) = result { return DeliveryReceipt(messageID: message.message_id) }
        return DeliveryReceipt(messageID: messageID)
    }
}
