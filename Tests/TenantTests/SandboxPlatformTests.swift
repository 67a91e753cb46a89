import Foundation
import Testing
@testable import Tenant

/// The in-process sandbox platform and its update decoder.
@Suite("Sandbox platform", .timeLimit(.minutes(5)))
struct SandboxPlatformTests {
    let sandbox = SandboxPlatform(botID: "han-demo", displayName: "Han demo")
    let eve = User(id: 5, firstName: "Eve", languageCode: "ru")

    @Test("a person's message round-trips through the stored JSON into the neutral model, with its command")
    func messageRoundTrip() async throws {
        let identity = try await sandbox.identify()
        #expect(identity.username == "han_demo_bot")
        let received = try sandbox.userWrites("/start now", as: eve)
        #expect(received.kind == "message")
        #expect(received.lane == 5)
        let update = try SandboxUpdateDecoder().decode(received.raw, botUsername: identity.username)
        #expect(update.id == received.id)
        let message = try #require(update.message)
        #expect(message.text == "/start now")
        #expect(message.command == Command(name: "start", arguments: "now"))
        #expect(message.chat == Chat(id: 5, kind: .private, title: "Eve"))
        #expect(message.sender == eve)
        #expect(try sandbox.userWrites("again", as: eve).id > received.id)
    }

    @Test("a write or press that leaves out the name keeps the one given before; someone new is User <id>")
    func nameKept() async throws {
        _ = try sandbox.userWrites("hi", as: eve)
        let again = try SandboxUpdateDecoder().decode(try sandbox.userWrites("again", by: SandboxPerson(id: 5)).raw, botUsername: nil)
        #expect(again.message?.sender == eve)
        let buttons = [[InlineButton(text: "Go", action: .callback("go"))]]
        let sent = try await sandbox.perform(.send(OutgoingMessage(chatID: 5, text: "Menu", buttons: buttons)))
        let press = try sandbox.userPresses("go", onMessage: try #require(sent.messageID), by: SandboxPerson(id: 5))
        #expect(try SandboxUpdateDecoder().decode(press.raw, botUsername: nil).callbackQuery?.sender == eve)
        let stranger = try SandboxUpdateDecoder().decode(try sandbox.userWrites("hi", by: SandboxPerson(id: 6)).raw, botUsername: nil)
        #expect(stranger.message?.sender == User(id: 6, firstName: "User 6"))
        #expect(sandbox.people().map(\.firstName) == ["Eve", "User 6"])
    }

    @Test("a person's photo arrives as a photo attachment with its caption as the text, and no command")
    func photo() async throws {
        let captioned = try sandbox.userWrites("/start me", as: eve, photo: "sandbox-photo-1")
        let message = try #require(try SandboxUpdateDecoder().decode(captioned.raw, botUsername: "han_demo_bot").message)
        #expect(message.attachment == .photo(fileID: "sandbox-photo-1"))
        #expect(message.text == "/start me")
        #expect(message.command == nil, "a caption is no command")
        let bare = try sandbox.userWrites("", as: eve, photo: "sandbox-photo-2")
        #expect(try SandboxUpdateDecoder().decode(bare.raw, botUsername: nil).message?.text == nil)
        #expect(sandbox.messages(chatID: 5).map(\.photo) == ["sandbox-photo-1", "sandbox-photo-2"])
    }

    @Test("the bot's sends, edits and button answers show in the conversation; presses become callback updates")
    func conversation() async throws {
        _ = try sandbox.userWrites("hi", as: eve)
        let buttons = [[InlineButton(text: "Rules", action: .callback("r:rules"))]]
        let sent = try await sandbox.perform(.send(OutgoingMessage(chatID: 5, text: "Menu", buttons: buttons)))
        let messageID = try #require(sent.messageID)
        let press = try sandbox.userPresses("r:rules", onMessage: messageID, as: eve)
        let update = try SandboxUpdateDecoder().decode(press.raw, botUsername: nil)
        let query = try #require(update.callbackQuery)
        #expect(query.data == "r:rules")
        #expect(query.message?.id == messageID)
        #expect(query.message?.text == "Menu")
        #expect(query.sender == eve)

        _ = try await sandbox.perform(.answerCallback(CallbackAnswer(chatID: 5, callbackID: query.id, text: "Opening")))
        _ = try await sandbox.perform(.edit(MessageEdit(chatID: 5, messageID: messageID, text: "Rules: be kind")))
        let messages = sandbox.messages(chatID: 5)
        #expect(messages.map(\.from) == [.user, .bot])
        #expect(messages[1].text == "Rules: be kind")
        #expect(messages[1].edited)
        #expect(messages[1].notice == "Opening")
        #expect(sandbox.messages(chatID: 5, after: messages[0].revision).map(\.id) == [messageID])
    }

    @Test("a photo's caption and any message's buttons can be edited; a text edit of a photo is refused, as on Telegram")
    func captionAndButtons() async throws {
        _ = try sandbox.userWrites("hi", as: eve)
        let like = [[InlineButton.callback("Like", data: "like")]]
        let photo = try #require(try await sandbox.perform(.send(
            OutgoingMessage(chatID: 5, text: "Anna, 27", buttons: like, photo: "file-1"))).messageID)
        let text = try #require(try await sandbox.perform(.send(OutgoingMessage(chatID: 5, text: "Pick", buttons: like))).messageID)

        _ = try await sandbox.perform(.edit(.caption(chatID: 5, messageID: photo, text: "Anna, 28", buttons: like)))
        _ = try await sandbox.perform(.editButtons(ButtonsEdit(chatID: 5, messageID: text)))
        let messages = sandbox.messages(chatID: 5)
        #expect(messages[1].text == "Anna, 28")
        #expect(messages[1].photo == "file-1")
        #expect(messages[1].buttons == like)
        #expect(messages[2].text == "Pick")
        #expect(messages[2].buttons.isEmpty)
        #expect(messages[1].edited, "a new caption shows as edited")
        #expect(!messages[2].edited, "new buttons alone do not, as in Telegram's clients")

        let revision = messages.map(\.revision).max()!
        for action in [
            OutgoingAction.edit(MessageEdit(chatID: 5, messageID: photo, text: "x")),
            .edit(.caption(chatID: 5, messageID: text, text: "x")),
        ] {
            await #expect(throws: PlatformError.self) { try await sandbox.perform(action) }
        }
        #expect(sandbox.messages(chatID: 5, after: revision).isEmpty, "a refused edit changes nothing")
    }

    @Test("impossible actions fail clearly: unknown chats, messages and buttons")
    func refusals() async throws {
        await #expect(throws: PlatformError.self) {
            try await sandbox.perform(.send(OutgoingMessage(chatID: 77, text: "nobody here")))
        }
        _ = try sandbox.userWrites("hi", as: eve)
        #expect(throws: SandboxError.noSuchMessage(1)) { try sandbox.userPresses("x", onMessage: 1, as: eve) }
        let sent = try await sandbox.perform(.send(OutgoingMessage(chatID: 5, text: "no buttons")))
        #expect(throws: SandboxError.noSuchButton("x", sent.messageID!)) {
            try sandbox.userPresses("x", onMessage: sent.messageID!, as: eve)
        }
    }

    @Test("a reader waiting for news is woken by the bot's reply")
    func waiting() async throws {
        _ = try sandbox.userWrites("hi", as: eve)
        let revision = sandbox.messages(chatID: 5).last!.revision
        async let news = sandbox.waitForMessages(chatID: 5, after: revision, timeout: .seconds(30))
        await sandbox.waitForParkedReaders(1)
        _ = try await sandbox.perform(.send(OutgoingMessage(chatID: 5, text: "answer")))
        #expect(await news.map(\.text) == ["answer"])
        #expect(await sandbox.waitForMessages(chatID: 5, after: .max, timeout: .milliseconds(10)).isEmpty)
    }
}
