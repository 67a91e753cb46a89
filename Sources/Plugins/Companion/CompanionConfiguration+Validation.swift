import Foundation
import Tenant

extension CompanionConfiguration {
    /// Checks every setting, naming the one that is wrong and what to write instead.
    ///
    /// - Throws: ``PluginConfigurationError`` whose key is the setting's path (`rate_limit.per_minute`).
    public func validate() throws {
        if !isOffline {
            guard endpoint != nil else {
                throw PluginConfigurationError(
                    key: "base_url",
                    "'\(baseURL)' is not an http(s) address such as https://api.openai.com/v1; or write offline "
                        + "for the built-in demo responder")
            }
            guard let model, !model.allSatisfy(\.isWhitespace) else {
                throw PluginConfigurationError(key: "model", "name the model the endpoint serves (model: gpt-4o-mini)")
            }
        }
        guard (0...2).contains(temperature) else {
            throw PluginConfigurationError(key: "temperature", "\(temperature) is out of range; use 0 to 2")
        }
        try require(maxTokens, in: 1...100_000, at: "max_tokens", "tokens per answer")
        try require(historyTurns, in: 0...200, at: "history_turns", "earlier messages in the prompt")
        try require(profileEvery, in: 0...10_000, at: "profile_every", "messages between profile updates (0: never)")
        try require(rateLimit.perMinute, in: 0...1000, at: "rate_limit.per_minute", "answers per minute (0: no limit)")
        guard timeout > 0, timeout <= 600 else {
            throw PluginConfigurationError(
                key: "timeout", "\(timeout) seconds is out of range; use more than 0, at most 600")
        }
        switch (apiKeyEnv, apiKeyFile) {
        case (_?, _?):
            throw PluginConfigurationError(key: "api_key_env", "give api_key_env or api_key_file, not both")
        case (let name?, nil) where !Self.isEnvironmentName(name):
            throw PluginConfigurationError(
                key: "api_key_env", "'\(name)' is not an environment variable name; write one such as OPENAI_API_KEY")
        case (nil, let path?) where path.allSatisfy(\.isWhitespace):
            throw PluginConfigurationError(key: "api_key_file", "the path is empty; give the file holding the key")
        default:
            break
        }
        try systemPrompt.validate(at: "system_prompt")
        try rateLimit.text.validate(at: "rate_limit.text")
        try disclosure.text.validate(at: "disclosure.text")
        guard disclosure.triggers.allSatisfy({ !KeywordMatcher.normalize($0).isEmpty }) else {
            throw PluginConfigurationError(
                key: "disclosure.triggers", "list phrases with at least one letter or digit each")
        }
        try fallback.validate(at: "fallback")
    }

    /// `<base_url>/chat/completions`, or `nil` when `base_url` is no http(s) address.
    var endpoint: URL? {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: trimmed + "/chat/completions"), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme), url.host?.isEmpty == false
        else { return nil }
        return url
    }

    private func require(_ value: Int, in range: ClosedRange<Int>, at key: String, _ what: String) throws {
        guard range.contains(value) else {
            throw PluginConfigurationError(
                key: key, "\(value) is out of range for \(what); use \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// `OPENAI_API_KEY`: letters, digits and underscores, not starting with a digit.
    private static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.first, !first.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
