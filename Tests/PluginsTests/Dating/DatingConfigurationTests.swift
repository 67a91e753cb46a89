import Foundation
import Testing
import Plugins
import Tenant

@Suite("Dating: settings", .timeLimit(.minutes(5)))
struct DatingConfigurationTests {
    @Test("an empty entry takes the documented defaults")
    func defaults() throws {
        let configuration = try DatingFixture.decode("{}")
        #expect(configuration == DatingConfiguration(dailyLikes: 50, reportThreshold: 3, minAge: 18, ageRange: 5))
        try configuration.validate()
    }

    @Test("snake_case keys decode, and texts may be plain or per locale")
    func decodes() throws {
        let configuration = try DatingFixture.decode("""
            { "daily_likes": 10, "report_threshold": 2, "min_age": 21, "age_range": 7,
              "texts": { "welcome": "Hi from Han!", "button_like": { "ru": "Нравится", "en": "Like" } } }
            """)
        #expect(configuration.dailyLikes == 10)
        #expect(configuration.reportThreshold == 2)
        #expect(configuration.minAge == 21)
        #expect(configuration.ageRange == 7)
        #expect(configuration.texts["welcome"] == LocalizedText("Hi from Han!"))
        try configuration.validate()
    }

    @Test("settings that make no sense are refused, naming the setting", arguments: [
        (#"{ "min_age": 16 }"#, "min_age: 16 is below 18; a dating bot is for adults: use 18 or more"),
        (#"{ "min_age": 120 }"#, "min_age: 120 is out of range; use 18 to 99 (years)"),
        (#"{ "daily_likes": 0 }"#, "daily_likes: 0 is out of range; use 1 to 10000 (likes per person per day)"),
        (#"{ "report_threshold": 0 }"#,
         "report_threshold: 0 is out of range; use 1 to 1000 (different people's reports)"),
        (#"{ "age_range": -1 }"#, "age_range: -1 is out of range; use 0 to 81 (years)"),
        (#"{ "texts": { "welcome": "   " } }"#, "texts.welcome: the text is empty; write what the bot should say"),
        (#"{ "texts": { "like_limit": { "en": "Only {limit} a day, {name}" } } }"#,
         "texts.like_limit.en: unknown placeholder {name}; it may use {limit}"),
        (#"{ "texts": { "welcome": "Hi {name}" } }"#,
         "texts.welcome: unknown placeholder {name}; this text takes no placeholders"),
    ])
    func refuses(json: String, message: String) throws {
        let configuration = try DatingFixture.decode(json)
        #expect(throws: PluginConfigurationError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch let error as PluginConfigurationError {
            #expect(error.description == message)
        }
    }

    @Test("an unknown text key is refused with the list of keys")
    func unknownText() throws {
        let configuration = try DatingFixture.decode(#"{ "texts": { "welcom": "Hi" } }"#)
        let error = try #require(throws: PluginConfigurationError.self) { try configuration.validate() }
        #expect(error.key == "texts.welcom")
        #expect(error.message.hasPrefix("no text is called 'welcom'; the texts are: approved, ask_age, "))
        #expect(error.message.contains("welcome, welcome_back"))
    }

    @Test("an override replaces the default in every language it gives, the bot's locale decides the rest")
    func overrides() async throws {
        let harness = try await DatingFixture.harness(#"{ "texts": { "welcome": { "ru": "Привет от Han!" } } }"#)
        let english = DatingFixture.person(3001, "Ann")
        #expect(try await harness.handle(DatingFixture.says("/start", from: english)).sentTexts == [
            "Привет от Han!", "What's your name?",
        ])
        let plain = try await DatingFixture.harness(#"{ "texts": { "ask_name": "Name, please?" } }"#)
        #expect(try await plain.handle(DatingFixture.says("/start", from: english)).sentTexts.last == "Name, please?")
    }
}
