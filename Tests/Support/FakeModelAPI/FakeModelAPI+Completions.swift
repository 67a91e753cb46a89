import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Synchronization

extension FakeModelAPI {
    /// Answers `POST /v1/chat/completions` after checking the request's shape.
    func complete(_ request: Request) async throws -> Response {
        let body = Data(buffer: try await request.body.collect(upTo: 4 << 20))
        let authorization = request.headers[.authorization]
        if let apiKey, authorization != "Bearer \(apiKey)" {
            return Self.error(401, "Incorrect API key provided.")
        }
        let parsed: FakeModelRequest
        switch Self.parse(body, contentType: request.headers[.contentType], authorization: authorization) {
        case .success(let request):
            parsed = request
        case .failure(let violation):
            state.withLock { $0.violations.append(violation.description) }
            return Self.error(400, violation.description)
        }
        let hold = state.withLock { state -> Bool in
            state.requests.append(parsed)
            guard let marker = state.stallMarker else { return false }
            return parsed.lastUserText.contains(marker)
        }
        if hold {
            await withCheckedContinuation { continuation in
                state.withLock { $0.stalled.append(continuation) }
                notifyWaiters()
            }
        } else {
            notifyWaiters()
        }
        let (failure, content) = state.withLock { state -> (FakeModelFailure?, String) in
            let failure = state.failures.isEmpty ? nil : state.failures.removeFirst()
            state.answered += 1
            let reply = "fake reply \(state.answered) to: \(parsed.lastUserText)"
            let content = parsed.wantsJSON ? state.profileAnswer : reply
            return (failure, content)
        }
        switch failure {
        case .status(let code): return Self.error(code, "The fake model was told to fail.")
        case .garbage: return Self.json(200, ["unexpected": true])
        case nil: break
        }
        return Self.json(200, [
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_800_000_000, "model": parsed.model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2],
        ])
    }

    /// A request's violation of the Chat Completions shape.
    struct Violation: Error, CustomStringConvertible {
        var description: String
    }

    /// The request, or what is wrong with it.
    static func parse(
        _ body: Data, contentType: String?, authorization: String?
    ) -> Result<FakeModelRequest, Violation> {
        guard contentType?.lowercased().hasPrefix("application/json") == true else {
            let got = contentType ?? "none"
            return .failure(Violation(description: "Content-Type must be application/json, got \(got)"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(Violation(description: "the body is no JSON object"))
        }
        guard let model = object["model"] as? String, !model.isEmpty else {
            return .failure(Violation(description: "model must be a non-empty string"))
        }
        guard let list = object["messages"] as? [[String: Any]], !list.isEmpty else {
            return .failure(Violation(description: "messages must be a non-empty list of objects"))
        }
        var messages: [FakeChatMessage] = []
        for (index, item) in list.enumerated() {
            guard let role = item["role"] as? String, ["system", "user", "assistant"].contains(role),
                let content = item["content"] as? String, Set(item.keys) == ["role", "content"]
            else {
                return .failure(
                    Violation(description: "messages[\(index)] must be {role: system|user|assistant, content: string}"))
            }
            messages.append(FakeChatMessage(role: role, content: content))
        }
        let temperature = (object["temperature"] as? NSNumber)?.doubleValue
        if object["temperature"] != nil, !(0...2).contains(temperature ?? -1) {
            return .failure(Violation(description: "temperature must be a number from 0 to 2"))
        }
        let maxTokens = (object["max_tokens"] as? NSNumber)?.intValue
        if object["max_tokens"] != nil, (maxTokens ?? 0) < 1 {
            return .failure(Violation(description: "max_tokens must be a positive integer"))
        }
        var wantsJSON = false
        if let format = object["response_format"] {
            guard let type = (format as? [String: Any])?["type"] as? String, ["json_object", "text"].contains(type)
            else {
                return .failure(Violation(description: "response_format must be {type: json_object|text}"))
            }
            wantsJSON = type == "json_object"
        }
        let known: Set<String> = ["model", "messages", "temperature", "max_tokens", "response_format"]
        if let unknown = Set(object.keys).subtracting(known).sorted().first {
            return .failure(Violation(description: "unexpected field \(unknown)"))
        }
        return .success(FakeModelRequest(
            model: model, messages: messages, temperature: temperature, maxTokens: maxTokens, wantsJSON: wantsJSON,
            authorization: authorization))
    }

    static func error(_ status: Int, _ message: String) -> Response {
        let type = status == 429 ? "rate_limit_exceeded" : "invalid_request_error"
        return json(status, ["error": ["message": message, "type": type]])
    }

    static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}
