import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension TelegramClient {
    /// The largest answer read; a full `getUpdates` batch is far smaller.
    private static let largestAnswer = 32 << 20

    /// Posts a call and decodes the `result` of a successful answer.
    func call<Result: Decodable>(
        _ method: String,
        _ parameters: some Encodable,
        timeout: TimeAmount
    ) async throws -> Result {
        let body = try await post(method, parameters, timeout: timeout)
        let response: TelegramResponse<Result>
        do {
            response = try JSONDecoder().decode(TelegramResponse<Result>.self, from: body)
        } catch {
            throw PlatformError(kind: .transient, method: method, message: "unreadable answer: \(error)")
        }
        guard let result = response.result else {
            throw PlatformError(kind: .transient, method: method, message: "answer without a result")
        }
        return result
    }

    /// Posts a call and returns the body of a successful (2xx) answer.
    ///
    /// - Throws: `CancellationError` when the task was cancelled, else ``PlatformError``.
    func post(_ method: String, _ parameters: some Encodable, timeout: TimeAmount) async throws -> Data {
        var request = HTTPClientRequest(url: apiURL.appendingPathComponent("bot\(token)/\(method)").absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(parameters)))
        let status: Int
        let body: Data
        let started = ContinuousClock.now
        defer { metrics.record(method: method, duration: ContinuousClock.now - started) }
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            body = Data(buffer: try await response.body.collect(upTo: Self.largestAnswer))
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let failure = PlatformError(kind: .transient, method: method, message: describe(error))
            logger.debug(
                "Bot API call failed",
                metadata: ["method": "\(method)", "error": "\(failure.message)"]
            )
            throw failure
        }
        if (200..<300).contains(status) { return body }
        var failure = Self.classify(status: status, body: body, method: method)
        // A proxy's error page or the Bot API's description may quote the request's URL.
        failure.message = masking(failure.message)
        logger.debug(
            "Bot API call failed",
            metadata: ["method": "\(method)", "error_code": "\(failure.code ?? status)"]
        )
        throw failure
    }

    /// Turns a failed answer into a ``PlatformError`` carrying Telegram's description.
    static func classify(status: Int, body: Data, method: String) -> PlatformError {
        let answer = try? JSONDecoder().decode(TelegramResponse<Never>.self, from: body)
        let code = answer?.error_code ?? status
        let description = answer?.description ?? "HTTP \(status) without a Bot API answer"
        let kind: PlatformError.Kind
        switch code {
        case 401:
            return PlatformError(
                kind: .unauthorized,
                method: method,
                code: code,
                message: "token rejected by Telegram (401)"
            )
        case 404 where method == "getMe":
            // Telegram answers 404 to a token that is not even shaped like one.
            return PlatformError(
                kind: .unauthorized,
                method: method,
                code: code,
                message: "token rejected by Telegram (404)"
            )
        case 409:
            kind = .conflict
        case 429:
            kind = .rateLimited(retryAfter: .seconds(answer?.parameters?.retry_after ?? 1))
        case 403:
            kind = .blocked
        case 400 where answer?.parameters?.migrate_to_chat_id != nil:
            kind = .migrated(toChatID: answer?.parameters?.migrate_to_chat_id ?? 0)
        case 500...:
            kind = .transient
        default:
            // A 4xx without Telegram's envelope comes from a proxy in between, not from Telegram.
            kind = answer == nil ? .transient : .permanent
        }
        return PlatformError(kind: kind, method: method, code: code, message: description)
    }

    /// Splits a `getUpdates` answer into each update's own JSON, byte for byte as sent.
    static func splitUpdates(_ body: Data) throws -> [Data] {
        guard let updates = UpdateListSlicer.updates(in: body) else {
            throw PlatformError(kind: .transient, method: "getUpdates", message: "answer without a list of updates")
        }
        return updates
    }

    /// Describes a transport error without the URL or the token.
    private func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            // `shortDescription` carries no associated values, so no URL part.
            return error.shortDescription.lowercased()
        }
        return masking("\(error)")
    }

    /// `text` with this bot's token masked wherever it appears.
    private func masking(_ text: String) -> String {
        token.isEmpty ? text : text.replacingOccurrences(of: token, with: maskedToken(token))
    }
}
