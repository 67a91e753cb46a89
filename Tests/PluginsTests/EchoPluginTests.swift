import Testing
import Plugins
import Tenant

@Suite("EchoPlugin", .timeLimit(.minutes(5)))
struct EchoPluginTests {
    @Test("answers a text with exactly the same text, in the same chat, plainly")
    func echoesText() async throws {
        let harness = try await PluginHarness<EchoPlugin>()
        let outcome = try await harness.handle(Updates.message("hello there", in: .group))
        #expect(outcome.disposition == .handled)
        #expect(outcome.actions == [.send(OutgoingMessage(chatID: Chat.group.id, text: "hello there"))])
        let message = try #require(outcome.onlySentMessage)
        #expect(message.parseMode == nil)
        #expect(message.replyToMessageID == nil)
        #expect(message.buttons.isEmpty)
    }

    @Test("keeps emoji, markup characters and whitespace byte for byte", arguments: [
        "👋🏽 привет, 世界! 👨‍👩‍👧‍👦",
        "<b>not bold</b> *not markdown* _x_ [link](https://example.com)",
        "  leading and trailing spaces  \n\nsecond paragraph\t",
    ])
    func keepsTextExactly(text: String) async throws {
        let harness = try await PluginHarness<EchoPlugin>()
        let outcome = try await harness.handle(Updates.message(text))
        #expect(outcome.sentTexts == [text])
        #expect(Array(outcome.sentTexts.first?.utf8 ?? "".utf8) == Array(text.utf8))
    }

    @Test("a 4096-character Cyrillic text is one identical reply")
    func echoesLongestMessage() async throws {
        let text = String(repeating: "Съешь же ещё этих мягких французских булок. ", count: 100).prefix(4096)
        #expect(text.utf16.count == 4096)
        let harness = try await PluginHarness<EchoPlugin>()
        let outcome = try await harness.handle(Updates.message(String(text)))
        #expect(outcome.disposition == .handled)
        #expect(outcome.sentTexts == [String(text)])
    }

    @Test("commands addressed to this bot pass so later plugins can answer them", arguments: [
        "/start", "/help@aviary_test_bot", "/status now",
    ])
    func passesCommands(text: String) async throws {
        let harness = try await PluginHarness<EchoPlugin>()
        let outcome = try await harness.handle(Updates.message(text))
        #expect(outcome.disposition == .passed)
        #expect(outcome.actions.isEmpty)
    }

    @Test("a command meant for another bot is plain text and is echoed")
    func echoesOtherBotsCommands() async throws {
        let harness = try await PluginHarness<EchoPlugin>()
        let outcome = try await harness.handle(Updates.message("/start@other_bot", in: .group))
        #expect(outcome.disposition == .handled)
        #expect(outcome.sentTexts == ["/start@other_bot"])
    }

    @Test("captions, media, edits and button presses pass")
    func passesEverythingElse() async throws {
        let harness = try await PluginHarness<EchoPlugin>()
        let updates = [
            Updates.message("a caption", attachment: .photo(fileID: "photo-1")),
            Updates.message(nil, attachment: .sticker(fileID: "sticker-1", emoji: "👍")),
            Updates.edited("edited text"),
            Updates.press("r:menu"),
        ]
        for update in updates {
            let outcome = try await harness.handle(update)
            #expect(outcome.disposition == .passed, "\(update.kind)")
            #expect(outcome.actions.isEmpty, "\(update.kind)")
        }
    }

    @Test("wants only new messages and writes nothing")
    func interests() async throws {
        let harness = try await PluginHarness<EchoPlugin>()
        #expect(harness.plugin.interests == [.message])
        #expect(!harness.plugin.observesHandledUpdates)
        #expect(EchoPlugin.name == "echo")
        #expect(try await harness.handle(Updates.message("hi")).writesApplied == 0)
    }
}
