import Foundation
import Testing
@testable import Plugins
import Tenant

extension RepliesPluginTests {
    @Suite("configuration", .timeLimit(.minutes(5)))
    struct ConfigurationTests {
        @Test("decodes texts, locale maps, full replies, references and keyword rules")
        func decodesFixture() throws {
            let configuration = try RepliesFixture.decode(RepliesFixture.json)
            #expect(configuration.commands["start"] == .named("menu"))
            #expect(configuration.commands["about"] == .inline(.init(text: LocalizedText("Made by Han"))))
            guard case .inline(let help)? = configuration.commands["help"] else {
                Issue.record("help is no reply written in place")
                return
            }
            #expect(help.text == LocalizedText(localized: ["ru": "Помощь", "en": "Help"]))
            #expect(help.buttons == [[
                .init(text: LocalizedText("FAQ"), reply: "faq"),
                .init(text: LocalizedText("Site"), url: "https://example.com"),
            ]])
            let faq = try #require(configuration.replies["faq"])
            #expect(faq.parseMode == .html)
            #expect(faq.edit)
            #expect(configuration.replies["menu"]?.edit == false)
            #expect(configuration.keywords == [
                .init(match: ["price", "цена"], reply: "prices"),
                .init(match: ["delivery time"], text: LocalizedText(localized: ["en": "Two days", "ru": "Два дня"])),
            ])
            #expect(configuration.fallback == LocalizedText(localized: ["en": "Sorry?", "ru": "Не понял"]))
        }

        @Test("an empty configuration is valid and answers nothing")
        func decodesEmpty() async throws {
            let harness = try await RepliesFixture.harness("{}")
            #expect(try await harness.handle(Updates.message("/start")).disposition == .passed)
        }

        @Test("every manifest key is a snake_case coding key, so the strict manifest decoder accepts it")
        func codingKeys() {
            #expect(RepliesConfiguration.CodingKeys.allCases.map(\.stringValue)
                == ["commands", "keywords", "replies", "fallback", "unknown_command"])
            #expect(RepliesConfiguration.Reply.CodingKeys.allCases.map(\.stringValue)
                == ["text", "buttons", "parse_mode", "edit"])
            #expect(RepliesConfiguration.Button.CodingKeys.allCases.map(\.stringValue) == ["text", "reply", "url"])
            #expect(RepliesConfiguration.Keyword.CodingKeys.allCases.map(\.stringValue) == ["match", "reply", "text"])
            #expect(RepliesConfiguration.Answer.CodingKeys.allCases.map(\.stringValue) == ["reply"])
        }

        @Test("an unknown parse mode is a decoding error that names the modes")
        func rejectsParseMode() throws {
            let error = #expect(throws: DecodingError.self) {
                try RepliesFixture.decode(#"{ "replies": { "a": { "text": "x", "parse_mode": "bbcode" } } }"#)
            }
            guard case .dataCorrupted(let context)? = error else {
                Issue.record("expected dataCorrupted, got \(String(describing: error))")
                return
            }
            #expect(context.debugDescription == "unknown parse mode 'bbcode'; use html or markdown_v2")
            #expect(context.codingPath.map(\.stringValue) == ["replies", "a", "parse_mode"])
        }

        @Test("a wrong setting is refused at load time with its exact path", arguments: [
            // A button leads to a reply that does not exist.
            (#"{ "commands": { "help": { "text": "x", "buttons": [[{ "text": "FAQ", "reply": "faq" }]] } } }"#,
             "commands.help.buttons[0][0].reply"),
            // A button with both a reply and a URL.
            (#"{ "commands": { "help": { "text": "x", "buttons": [[{ "text": "A", "reply": "a" }, { "text": "B", "reply": "a", "url": "https://x.org" }]] } }, "replies": { "a": "A" } }"#,
             "commands.help.buttons[0][1]"),
            // A button with neither.
            (#"{ "replies": { "a": { "text": "x", "buttons": [[{ "text": "B" }]] } } }"#,
             "replies.a.buttons[0][0]"),
            // A URL Telegram cannot open.
            (#"{ "replies": { "a": { "text": "x", "buttons": [[{ "text": "B", "url": "ftp://x.org" }]] } } }"#,
             "replies.a.buttons[0][0].url"),
            // Command names: capitals, dashes, too long, empty.
            (#"{ "commands": { "Start": "x" } }"#, "commands.Start"),
            (#"{ "commands": { "sign-up": "x" } }"#, "commands.sign-up"),
            (#"{ "commands": { "abcdefghijklmnopqrstuvwxyz_1234567": "x" } }"#,
             "commands.abcdefghijklmnopqrstuvwxyz_1234567"),
            (#"{ "commands": { "": "x" } }"#, "commands."),
            // Empty texts: shorthand, full, inside a locale map, a button label, a keyword's text.
            (#"{ "commands": { "start": "" } }"#, "commands.start"),
            (#"{ "replies": { "faq": { "text": "  \n " } } }"#, "replies.faq.text"),
            (#"{ "commands": { "help": { "text": { "ru": "Помощь", "en": "" } } } }"#, "commands.help.text.en"),
            (#"{ "replies": { "a": { "text": "x", "buttons": [[{ "text": "", "url": "https://x.org" }]] } } }"#,
             "replies.a.buttons[0][0].text"),
            (#"{ "keywords": [{ "match": "hi", "text": " " }] }"#, "keywords[0].text"),
            // Locale maps: empty, or keys that are no language code.
            (#"{ "fallback": {} }"#, "fallback"),
            (#"{ "fallback": { "english": "Sorry" } }"#, "fallback.english"),
            // References from commands and keywords.
            (#"{ "commands": { "start": { "reply": "menu" } } }"#, "commands.start.reply"),
            (#"{ "keywords": [{ "match": "hi", "reply": "greeting" }] }"#, "keywords[0].reply"),
            (#"{ "keywords": [{ "match": "hi", "reply": "a", "text": "b" }], "replies": { "a": "A" } }"#, "keywords[0]"),
            (#"{ "keywords": [{ "match": "hi" }] }"#, "keywords[0]"),
            (#"{ "keywords": [{ "match": [], "text": "b" }] }"#, "keywords[0].match"),
            (#"{ "keywords": [{ "match": ["ok", "?!"], "text": "b" }] }"#, "keywords[0].match"),
        ])
        func rejects(json: String, key: String) throws {
            let configuration = try RepliesFixture.decode(json)
            let error = #expect(throws: PluginConfigurationError.self) {
                try RepliesPlugin(configuration: configuration, bot: .test)
            }
            #expect(error?.key == key, "\(error?.description ?? "no error")")
            #expect(error?.message.isEmpty == false)
        }

        @Test("texts longer than one message are refused; 4096 characters fit")
        func limitsTextLength() throws {
            let fits = String(repeating: "ж", count: 4096)
            let tooLong = fits + "ж"
            _ = try RepliesPlugin(configuration: RepliesConfiguration(fallback: LocalizedText(fits)), bot: .test)
            let error = #expect(throws: PluginConfigurationError.self) {
                try RepliesPlugin(configuration: RepliesConfiguration(fallback: LocalizedText(tooLong)), bot: .test)
            }
            #expect(error?.key == "fallback")
            #expect(error?.message.contains("4097") == true)
        }

        @Test("a button's callback data must fit Telegram's 64 bytes, counted in bytes")
        func limitsCallbackData() throws {
            func configuration(replyName: String) -> RepliesConfiguration {
                RepliesConfiguration(replies: [
                    replyName: .init(text: LocalizedText("x")),
                    "menu": .init(text: LocalizedText("Menu"), buttons: [[.init(text: LocalizedText("Go"), reply: replyName)]]),
                ])
            }
            let longest = String(repeating: "a", count: 62)
            _ = try RepliesPlugin(configuration: configuration(replyName: longest), bot: .test)
            for name in [longest + "a", String(repeating: "я", count: 32)] {
                let error = #expect(throws: PluginConfigurationError.self) {
                    try RepliesPlugin(configuration: configuration(replyName: name), bot: .test)
                }
                #expect(error?.key == "replies.menu.buttons[0][0].reply")
                #expect(error?.message.contains("64") == true)
            }
        }

        @Test("an error names the missing reply and the ones that exist")
        func danglingReferenceMessage() throws {
            let configuration = try RepliesFixture.decode(
                #"{ "commands": { "start": { "reply": "manu" } }, "replies": { "menu": "M", "faq": "F" } }"#)
            let error = #expect(throws: PluginConfigurationError.self) {
                try RepliesPlugin(configuration: configuration, bot: .test)
            }
            #expect(error?.description == "commands.start.reply: no reply named 'manu' in replies (known: faq, menu)")
        }
    }
}
