import Testing
import Plugins
import Tenant

@Suite("RepliesPlugin", .timeLimit(.minutes(5)))
struct RepliesPluginTests {
    @Test("a listed command gets its reply, with buttons and the reader's language")
    func answersCommand() async throws {
        let harness = try await RepliesFixture.harness()
        let outcome = try await harness.handle(Updates.message("/help"))
        #expect(outcome.disposition == .handled)
        #expect(outcome.actions == [
            .send(OutgoingMessage(
                chatID: Chat.alicePrivate.id, text: "Help",
                buttons: [[.callback("FAQ", data: "r:faq"), .url("Site", url: "https://example.com")]])),
        ])
    }

    @Test("a command may show a named reply, and may mention the bot")
    func answersNamedCommand() async throws {
        let harness = try await RepliesFixture.harness()
        for text in ["/start", "/start@aviary_test_bot", "/START payload"] {
            let outcome = try await harness.handle(Updates.message(text, in: .group))
            #expect(outcome.disposition == .handled, "\(text)")
            #expect(outcome.actions == [
                .send(OutgoingMessage(chatID: Chat.group.id, text: "Menu", buttons: [[.callback("FAQ", data: "r:faq")]])),
            ], "\(text)")
        }
        #expect(try await harness.handle(Updates.message("/about")).sentTexts == ["Made by Han"])
    }

    @Test("unknown commands and commands for other bots pass, even with a fallback")
    func passesUnknownCommands() async throws {
        let harness = try await RepliesFixture.harness()
        for text in ["/unknown", "/status@aviary_test_bot", "/start@other_bot"] {
            let outcome = try await harness.handle(Updates.message(text))
            #expect(outcome.disposition == .passed, "\(text)")
            #expect(outcome.actions.isEmpty, "\(text)")
        }
    }

    @Test("unknown_command answers a command the bot does not list, in private chats; groups and other bots' pass")
    func unknownCommand() async throws {
        let harness = try await RepliesFixture.harness(
            #"{ "commands": { "start": "Hi" }, "unknown_command": { "en": "No such command", "ru": "Нет такой команды" } }"#)
        let ru = User(id: 8, firstName: "Ivan", languageCode: "ru")
        for text in ["/unknown", "/status@aviary_test_bot", "/STATUS now"] {
            let outcome = try await harness.handle(Updates.message(text))
            #expect(outcome.disposition == .handled, "\(text)")
            #expect(outcome.sentTexts == ["No such command"], "\(text)")
        }
        #expect(try await harness.handle(Updates.message("/x", from: ru, in: Chat(id: 8, kind: .private))).sentTexts
            == ["Нет такой команды"])
        #expect(try await harness.handle(Updates.message("/start")).sentTexts == ["Hi"])
        for (text, chat) in [("/unknown", Chat.group), ("/start@other_bot", Chat.alicePrivate)] {
            let outcome = try await harness.handle(Updates.message(text, in: chat))
            #expect(outcome.disposition == .passed, "\(text)")
            #expect(outcome.actions.isEmpty, "\(text)")
        }
        #expect(try await harness.handle(Updates.message("hello")).disposition == .passed, "texts still pass")
    }

    @Test("keywords match whole words in any case; the first rule that matches wins", arguments: [
        ("What's the PRICE?", "From 5 €"),
        ("Цена? Сколько стоит", "From 5 €"),
        ("price and delivery time", "From 5 €"),
        ("what is your Delivery-time", "Two days"),
    ])
    func answersKeywords(text: String, expected: String) async throws {
        let harness = try await RepliesFixture.harness()
        let outcome = try await harness.handle(Updates.message(text, in: .group))
        #expect(outcome.disposition == .handled)
        #expect(outcome.sentTexts == [expected])
    }

    @Test("a keyword inside a longer word does not match")
    func ignoresPartialWords() async throws {
        let harness = try await RepliesFixture.harness()
        let outcome = try await harness.handle(Updates.message("priceless deliverytime", in: .group))
        #expect(outcome.disposition == .passed)
    }

    @Test("keywords match captions too; edited messages pass")
    func captionsAndEdits() async throws {
        let harness = try await RepliesFixture.harness()
        let caption = try await harness.handle(Updates.message("price?", attachment: .photo(fileID: "p")))
        #expect(caption.sentTexts == ["From 5 €"])
        let edit = try await harness.handle(Updates.edited("price?"))
        #expect(edit.disposition == .passed)
        #expect(edit.actions.isEmpty)
    }

    @Test("texts follow the reader's language, then the bot's locale, then the first locale by name", arguments: [
        (language: "ru", locale: "ru", help: "Помощь", rules: "Правила"),
        (language: "en-US", locale: "ru", help: "Help", rules: "Правила"),
        (language: "pt-BR", locale: "ru", help: "Помощь", rules: "Правила"),
        (language: nil, locale: "en", help: "Help", rules: "Regeln"),
        (language: "pt", locale: nil, help: "Help", rules: "Regeln"),
    ] as [(language: String?, locale: String?, help: String, rules: String)])
    func choosesLocale(language: String?, locale: String?, help: String, rules: String) async throws {
        let bot = BotDescriptor(id: "test-bot", name: "Test Bot", locale: locale)
        let harness = try await RepliesFixture.harness(bot: bot)
        let reader = User(id: 7, firstName: "Reader", languageCode: language)
        let chat = Chat(id: 7, kind: .private)
        #expect(try await harness.handle(Updates.message("/help", from: reader, in: chat)).sentTexts == [help])
        #expect(try await harness.handle(Updates.message("/rules", from: reader, in: chat)).sentTexts == [rules])
    }

    @Test("the fallback answers other texts in private chats; groups pass")
    func fallback() async throws {
        let harness = try await RepliesFixture.harness()
        let ru = User(id: 8, firstName: "Ivan", languageCode: "ru")
        let privateChat = try await harness.handle(Updates.message("hello?", from: ru, in: Chat(id: 8, kind: .private)))
        #expect(privateChat.disposition == .handled)
        #expect(privateChat.sentTexts == ["Не понял"])
        let group = try await harness.handle(Updates.message("hello?", from: ru, in: .group))
        #expect(group.disposition == .passed)
        #expect(group.actions.isEmpty)
    }

    @Test("without a fallback, other texts and media pass")
    func passesWithoutFallback() async throws {
        let harness = try await RepliesFixture.harness(#"{ "commands": { "start": "Hi" } }"#)
        #expect(try await harness.handle(Updates.message("hello")).disposition == .passed)
        #expect(try await harness.handle(Updates.message(nil, attachment: .photo(fileID: "p"))).disposition == .passed)
        #expect(try await harness.handle(Updates.message("/start")).sentTexts == ["Hi"])
    }

    @Test("a button press answers the press and sends the named reply")
    func buttonSendsReply() async throws {
        let harness = try await RepliesFixture.harness()
        let outcome = try await harness.handle(Updates.press("r:menu"))
        #expect(outcome.disposition == .handled)
        #expect(outcome.actions == [
            .answerCallback(CallbackAnswer(chatID: Chat.alicePrivate.id, callbackID: "cb-1")),
            .send(OutgoingMessage(chatID: Chat.alicePrivate.id, text: "Menu", buttons: [[.callback("FAQ", data: "r:faq")]])),
        ])
    }

    @Test("a press leading to a reply with edit: true replaces the pressed message in place")
    func buttonEditsInPlace() async throws {
        let harness = try await RepliesFixture.harness()
        let ru = User(id: 8, firstName: "Ivan", languageCode: "ru")
        let outcome = try await harness.handle(Updates.press("r:faq", from: ru, in: .group))
        #expect(outcome.disposition == .handled)
        #expect(outcome.actions == [
            .answerCallback(CallbackAnswer(chatID: Chat.group.id, callbackID: "cb-1")),
            .edit(MessageEdit(
                chatID: Chat.group.id, messageID: 77, text: "<b>FAQ</b>", parseMode: .html,
                buttons: [[.callback("Назад", data: "r:menu")]])),
        ])
    }

    @Test("presses on other buttons pass", arguments: [nil, "other:data", "r:missing", "faq"] as [String?])
    func passesOtherPresses(data: String?) async throws {
        let harness = try await RepliesFixture.harness()
        let outcome = try await harness.handle(Updates.press(data))
        #expect(outcome.disposition == .passed)
        #expect(outcome.actions.isEmpty)
    }

    @Test("wants messages and button presses")
    func interests() async throws {
        let harness = try await RepliesFixture.harness()
        #expect(harness.plugin.interests == [.message, .callbackQuery])
        #expect(RepliesPlugin.name == "replies")
    }
}
