/// The JSON body of `POST /chat/completions` in the OpenAI Chat Completions API.
struct ChatCompletionBody: Encodable {
    /// `{ "type": "json_object" }`.
    struct ResponseFormat: Encodable {
        var type = "json_object"
    }

    var model: String
    var messages: [ChatMessage]
    var temperature: Double
    var maxTokens: Int
    var responseFormat: ResponseFormat?

    enum CodingKeys: String, CodingKey {
        case model
        case messages
        case temperature
        case maxTokens = "max_tokens"
        case responseFormat = "response_format"
    }
}

/// The parts of a chat completion the companion reads: the first choice's text.
struct ChatCompletionAnswer: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable {
            var content: String?
        }

        var message: Message
    }

    var choices: [Choice]
}

/// An OpenAI-style error body: `{ "error": { "message": "…" } }`.
struct ChatCompletionError: Decodable {
    struct Detail: Decodable {
        var message: String?
    }

    var error: Detail
}
