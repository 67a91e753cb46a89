public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Telegram's Bot API over HTTP: identifies the bot, long-polls updates and performs actions.
///
/// Calls go to `<api_url>/bot<token>/<method>` with a JSON body. Errors are classified into
/// ``PlatformError`` kinds; no message ever contains the token or the request URL.
///
/// - Important: The `HTTPClient` is shared by every bot in the host; its connection pool must
///   allow one connection per long-polling bot.
public struct TelegramClient: PlatformClient, UpdatePoller {
    private let token: String
    private let apiURL: URL
    private let httpClient: HTTPClient
    private let logger: Logger
    /// How long an ordinary call may take.
    private let callTimeout: TimeAmount = .seconds(30)

    /// Creates a client for one bot.
    public init(token: String, apiURL: URL = URL(string: "https://api.telegram.org")!, httpClient: HTTPClient,
                logger: Logger) {
        self.token = token
        self.apiURL = apiURL
        self.httpClient = httpClient
        self.logger = logger
    }

    public func identify() async throws -> BotIdentity {
        let me: TelegramUser = try await call("getMe", EmptyRequest(), timeout: callTimeout)
        return BotIdentity(userID: me.id, username: me.username, displayName: me.first_name ?? me.username ?? "bot")
    }

    public func poll(offset: Int64?, timeout: Duration, kinds: Set<UpdateKind>) async throws -> [ReceivedUpdate] {
        let seconds = Int(min(max(timeout.components.seconds, 0), 50))
        let request = GetUpdatesRequest(
            offset: offset, limit: 100, timeout: seconds, allowed_updates: UpdateKind.telegramAllowedUpdates(for: kinds))
        let body = try await post("getUpdates", request, timeout: .seconds(Int64(seconds) + 15))
        let updates = try Self.splitUpdates(body)
        return try updates.map(TelegramUpdateDecoder.envelope(of:))
    }

    public func perform(_ action: OutgoingAction) async throws -> DeliveryReceipt {
        switch action {
        case .send(let message):
            let sent: SentMessageResult = try await call("sendMessage", SendMessageRequest(message), timeout: callTimeout)
            return DeliveryReceipt(messageID: sent.message_id)
        case .edit(let edit):
            let result: EditResult = try await call("editMessageText", EditMessageTextRequest(edit), timeout: callTimeout)
            if case .message(let message) = result { return DeliveryReceipt(messageID: message.message_id) }
            return DeliveryReceipt(messageID: edit.messageID)
        case .answerCallback(let answer):
            let _: Bool = try await call("answerCallbackQuery", AnswerCallbackQueryRequest(answer), timeout: callTimeout)
            return DeliveryReceipt(messageID: nil)
        }
    }

    private func call<Result: Decodable>(
        _ method: String, _ parameters: some Encodable, timeout: TimeAmount
    ) async throws -> Result {
        let body = try await post(method, parameters, timeout: timeout)
        do {
            let response = try JSONDecoder().decode(TelegramResponse<Result>.self, from: body)
            guard let result = response.result else {
                throw PlatformError(kind: .transient, method: method, message: "answer without a result")
            }
            return result
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError(kind: .transient, method: method, message: "unreadable answer: \(error)")
        }
    }

    /// Posts a call and returns the body of a successful (`ok: true`) answer.
    private func post(_ method: String, _ parameters: some Encodable, timeout: TimeAmount) async throws -> Data {
        var request = HTTPClientRequest(url: apiURL.appendingPathComponent("bot\(token)/\(method)").absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(parameters)))
        let status: Int
        let body: Data
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            body = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw PlatformError(kind: .transient, method: method, message: Self.describe(error))
        }
        if (200..<300).contains(status) { return body }
        throw Self.classify(status: status, body: body, method: method)
    }

    /// Turns a failed answer into a ``PlatformError``.
    static func classify(status: Int, body: Data, method: String) -> PlatformError {
        let answer = try? JSONDecoder().decode(TelegramResponse<AnyDecodable>.self, from: body)
        let code = answer?.error_code ?? status
        let description = answer?.description ?? "HTTP \(status)"
        let kind: PlatformError.Kind
        switch code {
        case 401:
            return PlatformError(kind: .unauthorized, method: method, code: code, message: "token rejected by Telegram (401)")
        case 404 where method == "getMe":
            return PlatformError(kind: .unauthorized, method: method, code: code, message: "token rejected by Telegram (404)")
        case 409:
            kind = .conflict
        case 429:
            kind = .rateLimited(retryAfter: .seconds(answer?.parameters?.retry_after ?? 1))
        case 403:
            kind = .blocked
        case 400 where answer?.parameters?.migrate_to_chat_id != nil:
            kind = .migrated(toChatID: answer!.parameters!.migrate_to_chat_id!)
        case 500...:
            kind = .transient
        default:
            kind = answer == nil ? .transient : .permanent
        }
        return PlatformError(kind: kind, method: method, code: code, message: description)
    }

    /// Splits a `getUpdates` answer into each update's own JSON.
    static func splitUpdates(_ body: Data) throws -> [Data] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let result = object["result"] as? [Any]
        else {
            throw PlatformError(kind: .transient, method: "getUpdates", message: "unreadable answer")
        }
        return try result.map { try JSONSerialization.data(withJSONObject: $0) }
    }

    /// Describes a transport error without the URL (which holds the token).
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout { return "timed out" }
            if error == .remoteConnectionClosed { return "connection closed by the server" }
            return "HTTP client error"
        }
        let text = "\(error)"
        return text.contains("/bot") ? "connection failed" : text
    }
}

/// Decodes any JSON value and keeps nothing; for reading error envelopes.
struct AnyDecodable: Decodable {
    init(from decoder: any Decoder) throws {}
}
