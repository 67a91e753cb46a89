/// One message of a recorded chat-completion request.
public struct FakeChatMessage: Sendable, Equatable {
    /// `system`, `user` or `assistant`.
    public var role: String
    /// The text.
    public var content: String
}

/// A chat-completion request the fake accepted, as the client sent it.
public struct FakeModelRequest: Sendable {
    /// The `model` field.
    public var model: String
    /// The prompt, in order.
    public var messages: [FakeChatMessage]
    /// The `temperature` field, if sent.
    public var temperature: Double?
    /// The `max_tokens` field, if sent.
    public var maxTokens: Int?
    /// Whether `response_format` asked for a JSON object.
    public var wantsJSON: Bool
    /// The `Authorization` header, if sent.
    public var authorization: String?

    /// The system message's text (empty when there is none).
    public var systemPrompt: String {
        messages.first { $0.role == "system" }?.content ?? ""
    }

    /// The last user message's text (empty when there is none).
    public var lastUserText: String {
        messages.last { $0.role == "user" }?.content ?? ""
    }
}

/// A fault the fake answers the next request with.
public enum FakeModelFailure: Sendable, Equatable {
    /// An OpenAI-style error body with this HTTP status (429, 500, 503, …).
    case status(Int)
    /// A 200 whose body is no chat completion.
    case garbage
}

/// A wait on the fake that ran out.
public struct FakeModelTimeout: Error, CustomStringConvertible {
    /// What the test waited for and what arrived instead.
    public var description: String
}
