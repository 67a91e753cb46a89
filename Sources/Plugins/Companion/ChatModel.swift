/// One message of a chat-completion prompt.
struct ChatMessage: Codable, Sendable, Equatable {
    /// Who speaks.
    enum Role: String, Codable, Sendable {
        /// Instructions to the model.
        case system
        /// The person.
        case user
        /// The companion.
        case assistant
    }

    /// Who speaks.
    var role: Role
    /// What is said.
    var content: String
}

/// What the companion asks a model: a prompt, and whether the answer must be one JSON object.
struct ChatRequest: Sendable, Equatable {
    /// The prompt, oldest message first.
    var messages: [ChatMessage]
    /// Whether to ask for a JSON object (`response_format: json_object`), for profile updates.
    var wantsJSON: Bool = false
}

/// Something that answers a chat prompt: an OpenAI-compatible endpoint, or the offline responder.
protocol ChatModel: Sendable {
    /// The model's answer to `request`.
    ///
    /// - Throws: ``ModelFailure`` saying why there is no answer.
    func complete(_ request: ChatRequest) async throws(ModelFailure) -> String
}

/// Why a model gave no answer. The `reason` is the metric label; the description is for logs
/// and never holds the API key.
struct ModelFailure: Error, CustomStringConvertible, Equatable {
    /// The kind of failure, as counted in `aviary_companion_model_errors_total{reason=…}`.
    enum Reason: String, Sendable {
        /// The API key's environment variable or file is missing or empty.
        case noKey = "no_key"
        /// The model did not answer within `timeout`.
        case timeout
        /// The endpoint answered 429 Too Many Requests.
        case rateLimited = "rate_limited"
        /// The endpoint answered 5xx.
        case serverError = "server_error"
        /// The endpoint refused the request (another 4xx: a wrong key, model or setting).
        case refused
        /// No connection, or it broke.
        case transport
        /// The answer was not a chat completion with a text.
        case badAnswer = "bad_answer"
    }

    /// The kind of failure.
    var reason: Reason
    /// What happened and what to check.
    var description: String
}
