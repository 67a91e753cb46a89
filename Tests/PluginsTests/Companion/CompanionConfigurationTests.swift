import Foundation
import Plugins
import Testing
import Tenant

@Suite("CompanionConfiguration")
struct CompanionConfigurationTests {
    @Test("only base_url and model are required; everything else has its documented default")
    func defaults() throws {
        let configuration = try CompanionFixture.decode(#"{ "base_url": "https://api.example.com/v1", "model": "m" }"#)
        #expect(configuration == CompanionConfiguration(baseURL: "https://api.example.com/v1", model: "m"))
        #expect(configuration.temperature == 0.8 && configuration.maxTokens == 300)
        #expect(configuration.historyTurns == 12 && configuration.profileEvery == 10 && configuration.timeout == 30)
        #expect(configuration.rateLimit.perMinute == 6 && configuration.disclosure.enabled)
        try configuration.validate()
    }

    @Test("every setting decodes; disclosure may be a boolean or a mapping; texts may be localized")
    func decodesAll() throws {
        let configuration = try CompanionFixture.decode(#"""
            {
              "base_url": "http://localhost:11434/v1", "model": "llama3", "temperature": 1.2, "max_tokens": 80,
              "system_prompt": { "en": "You are Mia.", "ru": "Ты Мия." }, "api_key_file": "/run/secrets/key",
              "history_turns": 4, "profile_every": 0, "timeout": 5.5,
              "rate_limit": { "per_minute": 0, "text": "Slow down" },
              "disclosure": { "text": "I'm an AI.", "triggers": ["robot?"] }, "fallback": "Later!"
            }
            """#)
        try configuration.validate()
        #expect(configuration.systemPrompt.resolve(language: "ru", fallbackLocale: nil) == "Ты Мия.")
        #expect(configuration.apiKeyFile == "/run/secrets/key" && configuration.timeout == 5.5)
        #expect(configuration.disclosure == .init(text: LocalizedText("I'm an AI."), triggers: ["robot?"]))
        #expect(try !CompanionFixture.decode(#"{ "base_url": "offline", "disclosure": false }"#).disclosure.enabled)
    }

    @Test("wrong settings are refused naming the key", arguments: [
        (#"{ "base_url": "ftp://example.com", "model": "m" }"#, "base_url"),
        (#"{ "base_url": "api.openai.com", "model": "m" }"#, "base_url"),
        (#"{ "base_url": "https://api.example.com/v1" }"#, "model"),
        (#"{ "base_url": "offline", "temperature": 2.5 }"#, "temperature"),
        (#"{ "base_url": "offline", "max_tokens": 0 }"#, "max_tokens"),
        (#"{ "base_url": "offline", "history_turns": -1 }"#, "history_turns"),
        (#"{ "base_url": "offline", "profile_every": -2 }"#, "profile_every"),
        (#"{ "base_url": "offline", "timeout": 0 }"#, "timeout"),
        (#"{ "base_url": "offline", "rate_limit": { "per_minute": -1 } }"#, "rate_limit.per_minute"),
        (#"{ "base_url": "offline", "api_key_env": "K", "api_key_file": "/k" }"#, "api_key_env"),
        (#"{ "base_url": "offline", "api_key_env": "OPENAI-KEY" }"#, "api_key_env"),
        (#"{ "base_url": "offline", "fallback": " " }"#, "fallback"),
        (#"{ "base_url": "offline", "disclosure": { "text": { "xx1": "hi" } } }"#, "disclosure.text.xx1"),
        (#"{ "base_url": "offline", "disclosure": { "triggers": ["?!"] } }"#, "disclosure.triggers"),
    ])
    func refuses(settings: String, key: String) throws {
        let configuration = try CompanionFixture.decode(settings)
        let error = try #require(throws: PluginConfigurationError.self) { try configuration.validate() }
        #expect(error.key == key, "\(error)")
    }

    @Test("the plugin refuses wrong settings when it is created, before any message")
    func pluginValidates() throws {
        let configuration = try CompanionFixture.decode(#"{ "base_url": "offline", "temperature": 3 }"#)
        #expect(throws: PluginConfigurationError.self) { try CompanionPlugin(configuration: configuration, bot: .test) }
    }
}
