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
        try await post(method, body: try Self.encode(parameters), timeout: timeout)
    }

    /// The JSON of a call's parameters; synchronous and not inlined, so that the encoder's
    /// temporaries live on the thread's stack, not in the frames a waiting poll task keeps.
    @inline(never)
    private static func encode(_ parameters: some Encodable) throws -> Data {
        try JSONEncoder().encode(parameters)
    }

    /// Posts an encoded call and returns the body of a successful (2xx) answer.
    ///
    /// The request runs on the client's event loop and this task only waits for its future:
    /// `HTTPClient`'s `async` API keeps about 10 kB of nested async frames in the calling task
    /// for as long as the call lasts, and a task keeps its frames' memory until it ends, so
    /// every long-polling bot held them even while idle (BENCHMARKS.md, "Where an idle bot's
    /// memory goes"). Cancelling the task cancels the request.
    private func post(_ method: String, body: Data, timeout: TimeAmount) async throws -> Data {
        let started = ContinuousClock.now
        defer { record(method, since: started) }
        let response: HTTPClient.Response
        do {
            let call = try start(method, body: body, timeout: timeout)
            response = try await withTaskCancellationHandler {
                try await call.futureResult.get()
            } onCancel: {
                call.cancel()
            }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw failed(method, error)
        }
        return try answer(method, response)
    }

    /// The error of a call that got no answer, logged; not inlined, for the same reason as
    /// ``encode(_:)``.
    @inline(never)
    private func failed(_ method: String, _ error: any Error) -> PlatformError {
        let failure = PlatformError(kind: .transient, method: method, message: describe(error))
        logger.debug(
            "Bot API call failed",
            metadata: ["method": "\(method)", "error": "\(failure.message)"]
        )
        return failure
    }

    /// The body of a successful (2xx) answer, else its error, logged; not inlined, for the same
    /// reason as ``encode(_:)``.
    @inline(never)
    private func answer(_ method: String, _ response: HTTPClient.Response) throws -> Data {
        let status = Int(response.status.code)
        let answer = response.body.map { Data(buffer: $0) } ?? Data()
        if (200..<300).contains(status) { return answer }
        var failure = Self.classify(status: status, body: answer, method: method)
        // A proxy's error page or the Bot API's description may quote the request's URL.
        failure.message = masking(failure.message)
        logger.debug(
            "Bot API call failed",
            metadata: ["method": "\(method)", "error_code": "\(failure.code ?? status)"]
        )
        throw failure
    }

    /// Times a call; not inlined, for the same reason as ``encode(_:)``.
    @inline(never)
    private func record(_ method: String, since started: ContinuousClock.Instant) {
        metrics.record(method: method, duration: ContinuousClock.now - started)
    }

    /// Starts the request on the shared client; its answer is read whole, up to
    /// ``largestAnswer`` bytes, and the whole call (connecting included) ends at `timeout`.
    private func start(_ method: String, body: Data, timeout: TimeAmount) throws -> HTTPClient.Task<HTTPClient.Response> {
        let request = try HTTPClient.Request(
            url: methodPrefix + method, method: .POST,
            headers: ["Content-Type": "application/json"], body: .data(body))
        return httpClient.execute(
            request: request, delegate: ResponseAccumulator(request: request, maxBodySize: Self.largestAnswer),
            deadline: .now() + timeout)
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
