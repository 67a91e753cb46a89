import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// An OpenAI-compatible Chat Completions endpoint, called through one shared `HTTPClient`.
///
/// One call is one `POST <base_url>/chat/completions` with a deadline of `timeout`; nothing is
/// retried (the fallback answers instead, and the person can write again).
struct OpenAIChatModel: ChatModel {
    /// Where the API key comes from.
    enum KeySource: Sendable, Equatable {
        /// No key: no `Authorization` header (local servers).
        case none
        /// An environment variable.
        case environment(String)
        /// A file, read at every call so a rotated key is picked up.
        case file(String)
    }

    let endpoint: URL
    let model: String
    let temperature: Double
    let maxTokens: Int
    let timeout: TimeAmount
    let key: KeySource
    let httpClient: HTTPClient
    /// The environment keys are read from; the process's, except in tests.
    let environment: @Sendable () -> [String: String]

    /// The largest answer body read, in bytes.
    static let maximumBodySize = 4 << 20

    func complete(_ request: ChatRequest) async throws(ModelFailure) -> String {
        var http = HTTPClientRequest(url: endpoint.absoluteString)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        if let key = try apiKey() {
            http.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        let body = ChatCompletionBody(
            model: model, messages: request.messages, temperature: temperature, maxTokens: maxTokens,
            responseFormat: request.wantsJSON ? .init() : nil)
        do {
            http.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        } catch {
            throw ModelFailure(reason: .badAnswer, description: "cannot encode the request: \(error)")
        }
        let status: UInt
        let data: Data
        do {
            let response = try await httpClient.execute(http, timeout: timeout)
            status = response.status.code
            data = Data(buffer: try await response.body.collect(upTo: Self.maximumBodySize))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw ModelFailure(reason: .timeout, description: "\(endpoint.host ?? "the model") did not answer in time")
        } catch {
            throw ModelFailure(reason: .transport, description: "cannot reach \(endpoint.absoluteString): \(error)")
        }
        return try answer(status: status, data: data)
    }

    /// The text of a 2xx answer, or the failure its status means.
    private func answer(status: UInt, data: Data) throws(ModelFailure) -> String {
        guard (200..<300).contains(status) else {
            let detail = (try? JSONDecoder().decode(ChatCompletionError.self, from: data))?.error.message
            let said = detail.map { ": \($0.prefix(300))" } ?? ""
            let reason: ModelFailure.Reason =
                switch status {
                case 429: .rateLimited
                case 500...: .serverError
                default: .refused
                }
            throw ModelFailure(reason: reason, description: "\(endpoint.absoluteString) answered \(status)\(said)")
        }
        let completion = try? JSONDecoder().decode(ChatCompletionAnswer.self, from: data)
        guard let text = completion?.choices.first?.message.content, !text.allSatisfy(\.isWhitespace)
        else {
            throw ModelFailure(
                reason: .badAnswer, description: "\(endpoint.absoluteString) answered without a text in choices[0]")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The key, `nil` when none is configured.
    ///
    /// - Throws: ``ModelFailure/Reason/noKey`` when the variable or file is missing or empty.
    private func apiKey() throws(ModelFailure) -> String? {
        switch key {
        case .none:
            return nil
        case .environment(let name):
            guard let value = environment()[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty
            else {
                throw ModelFailure(
                    reason: .noKey, description: "the environment variable \(name) holding the API key is not set")
            }
            return value
        case .file(let path):
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ModelFailure(reason: .noKey, description: "cannot read the API key file \(path)")
            }
            let value = contents.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                throw ModelFailure(reason: .noKey, description: "the API key file \(path) is empty")
            }
            return value
        }
    }
}
