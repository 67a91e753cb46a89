import AsyncHTTPClient
import FakeBotAPI
import Foundation
import Logging
import NIOCore
import Testing
@testable import Tenant

/// The Bot API client against the fake Bot API: the wire format and the error policy.
@Suite("Telegram client", .timeLimit(.minutes(5)))
struct TelegramClientTests {
    static let token = "4242:" + String(repeating: "t", count: 35)
    static let alice = FakeUser(id: 77, firstName: "Alice", languageCode: "en")

    func withFake(_ body: (FakeBotAPI, TelegramClient) async throws -> Void) async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 4242, username: "client_test_bot")
        let client = TelegramClient(
            token: Self.token,
            apiURL: fake.baseURL,
            httpClient: .shared,
            logger: Logger(label: "test")
        )
        do {
            try await body(fake, client)
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    /// Waits until the fake has received `count` calls of `method`: a hang guard, not a timing assertion.
    func waitForCalls(_ method: String, count: Int, on fake: FakeBotAPI) async {
        await fake.waitForCalls(token: Self.token, method: method, count: count)
    }

    @Test("getMe identifies the bot; a wrong token is 'token rejected by Telegram (401)', token not shown")
    func identify() async throws {
        try await withFake { fake, client in
            let identity = try await client.identify()
            #expect(identity == BotIdentity(userID: 4242, username: "client_test_bot", displayName: "Test Bot"))
            let wrongToken = "1:" + String(repeating: "x", count: 35)
            let wrong = TelegramClient(
                token: wrongToken,
                apiURL: fake.baseURL,
                httpClient: .shared,
                logger: Logger(label: "test")
            )
            let expected = PlatformError(
                kind: .unauthorized,
                method: "getMe",
                code: 401,
                message: "token rejected by Telegram (401)"
            )
            let error = await #expect(throws: PlatformError.self) { try await wrong.identify() }
            #expect(error == expected)
            #expect(error.map { "\($0)" }?.contains(wrongToken) == false)
            let pollError = await #expect(throws: PlatformError.self) {
                try await wrong.poll(offset: nil, timeout: .zero, kinds: [.message])
            }
            #expect(pollError?.kind == .unauthorized)
        }
    }

    @Test("getUpdates returns each update with its lane; the offset confirms earlier ones")
    func polling() async throws {
        try await withFake { fake, client in
            let first = fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hello")
            fake.sendText(token: Self.token, chatID: -100_5, from: Self.alice, text: "in a group")
            let updates = try await client.poll(offset: nil, timeout: .zero, kinds: [.message])
            #expect(updates.map(\.id) == [first, first + 1])
            #expect(updates.map(\.lane) == [Self.alice.id, -100_5])
            #expect(updates.map(\.kind) == ["message", "message"])
            let decoded = try TelegramUpdateDecoder().decode(updates[0].raw, botUsername: "client_test_bot")
            #expect(decoded.message?.text == "hello")
            let rest = try await client.poll(offset: first + 1, timeout: .zero, kinds: [.message])
            #expect(rest.map(\.id) == [first + 1])
            let confirmed = try await client.poll(offset: first + 2, timeout: .zero, kinds: [.message])
            #expect(confirmed.isEmpty)

            let call = try #require(fake.calls(token: Self.token).last(where: { $0.method == "getUpdates" }))
            #expect(call.parameters["allowed_updates"] == #"["channel_post","message","my_chat_member"]"#)
            #expect(call.parameters["limit"] == "100")
            #expect(call.parameters["timeout"] == "0")
            #expect(call.parameters["offset"] == "\(first + 2)")
        }
    }

    @Test("a long poll returns as soon as an update arrives, and cancelling one returns promptly")
    func longPoll() async throws {
        try await withFake { fake, client in
            async let updates = client.poll(offset: nil, timeout: .seconds(20), kinds: [.message])
            await fake.waitForWaitingPoll(token: Self.token)
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "wake up")
            let lanes = try await updates.map(\.lane)
            #expect(lanes == [Self.alice.id])
            #expect(fake.longPollWakes(token: Self.token) == [.updates], "woken by the update, not by the timeout")

            let poll = Task { try await client.poll(offset: 100, timeout: .seconds(20), kinds: [.message]) }
            await waitForCalls("getUpdates", count: 2, on: fake)
            await fake.waitForWaitingPoll(token: Self.token)
            poll.cancel()
            // Not cancelled, it would end in success when the fake's 20 s timeout passes.
            let result = await poll.result
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }

    @Test("a second poller gets the first one a 409 conflict")
    func conflict() async throws {
        try await withFake { fake, client in
            let first = Task { try await client.poll(offset: nil, timeout: .seconds(10), kinds: [.message]) }
            await waitForCalls("getUpdates", count: 1, on: fake)
            _ = try await client.poll(offset: nil, timeout: .zero, kinds: [.message])
            let error = await #expect(throws: PlatformError.self) { try await first.result.get() }
            #expect(error?.kind == .conflict)
            #expect(error?.message.hasPrefix("Conflict: terminated by other getUpdates request") == true)
        }
    }

    @Test("a message with a photo goes out as sendPhoto with the text as its caption and the buttons")
    func sendPhoto() async throws {
        try await withFake { fake, client in
            fake.markChatKnown(token: Self.token, chatID: Self.alice.id)
            let receipt = try await client.perform(
                .send(
                    OutgoingMessage(
                        chatID: Self.alice.id, text: "Anna, 27", buttons: [[.callback("Like", data: "like")]],
                        photo: "AgACAgIAAxkBAAIB")))
            #expect(receipt.messageID != nil)
            let sent = try #require(fake.sentMessages(token: Self.token).first)
            #expect(sent.method == "sendPhoto")
            #expect(sent.photo == "AgACAgIAAxkBAAIB")
            #expect(sent.text == "Anna, 27")
            #expect(sent.buttons.first?.first?.callbackData == "like")
        }
    }

    @Test("a photo's caption is edited with editMessageCaption, any message's buttons alone with editMessageReplyMarkup")
    func editCaptionAndButtons() async throws {
        try await withFake { fake, client in
            fake.markChatKnown(token: Self.token, chatID: Self.alice.id)
            let photo = try #require(try await client.perform(.send(OutgoingMessage(
                chatID: Self.alice.id, text: "Anna, 27", buttons: [[.callback("Like", data: "like")]],
                photo: "file-1"))).messageID)
            let text = try #require(try await client.perform(.send(OutgoingMessage(
                chatID: Self.alice.id, text: "Pick one", buttons: [[.callback("A", data: "a")]]))).messageID)

            _ = try await client.perform(.edit(.caption(
                chatID: Self.alice.id, messageID: photo, text: "Anna, 28", buttons: [[.callback("Skip", data: "skip")]])))
            let removed = try await client.perform(.editButtons(ButtonsEdit(chatID: Self.alice.id, messageID: text)))
            #expect(removed.messageID == text)

            let sent = fake.sentMessages(token: Self.token)
            #expect(sent.map(\.method) == ["sendPhoto", "sendMessage", "editMessageCaption", "editMessageReplyMarkup"])
            #expect(sent[2].text == "Anna, 28")
            #expect(sent[2].buttons.first?.first?.callbackData == "skip")
            #expect(sent[3].messageID == text)
            #expect(sent[3].buttons.isEmpty)
            let markup = try #require(fake.calls(token: Self.token).last { $0.method == "editMessageReplyMarkup" })
            #expect(markup.parameters["reply_markup"] == nil, "no markup removes the buttons")

            // The wrong kind of edit is refused, as Telegram does, and is a permanent error.
            for (action, refusal) in [
                (OutgoingAction.edit(MessageEdit(chatID: Self.alice.id, messageID: photo, text: "x")), "no text"),
                (.edit(.caption(chatID: Self.alice.id, messageID: text, text: "x")), "no caption"),
            ] {
                let error = await #expect(throws: PlatformError.self) { try await client.perform(action) }
                #expect(error?.kind == .permanent)
                #expect(error?.message.contains("there is \(refusal) in the message to edit") == true)
            }
        }
    }

    @Test("an edit that changes nothing ('message is not modified') counts as done, not as a failure")
    func editNotModified() async throws {
        try await withFake { fake, client in
            fake.markChatKnown(token: Self.token, chatID: Self.alice.id)
            let id = try #require(try await client.perform(.send(OutgoingMessage(chatID: Self.alice.id, text: "Hi"))).messageID)
            fake.failNext(token: Self.token, method: "editMessageReplyMarkup", with: .error(
                code: 400, description: "Bad Request: message is not modified: specified new message content and "
                    + "reply markup are exactly the same as a current content and reply markup of the message"))
            let receipt = try await client.perform(.editButtons(ButtonsEdit(chatID: Self.alice.id, messageID: id)))
            #expect(receipt.messageID == id)
            fake.failNext(token: Self.token, method: "editMessageText", with: .error(
                code: 400, description: "Bad Request: message can't be edited"))
            let error = await #expect(throws: PlatformError.self) {
                try await client.perform(.edit(MessageEdit(chatID: Self.alice.id, messageID: id, text: "Hey")))
            }
            #expect(error?.kind == .permanent, "other refusals stay errors")
        }
    }

    @Test("sends with buttons and quotes, edits, and answers button presses")
    func perform() async throws {
        try await withFake { fake, client in
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hi")
            let receipt = try await client.perform(
                .send(
                    OutgoingMessage(
                        chatID: Self.alice.id,
                        text: "<b>Menu</b>",
                        parseMode: .html,
                        buttons: [[.callback("Yes", data: "yes"), .url("Site", url: "https://example.org")]],
                        replyToMessageID: 100_001
                    )
                )
            )
            let messageID = try #require(receipt.messageID)
            let edited = try await client.perform(
                .edit(
                    MessageEdit(
                        chatID: Self.alice.id,
                        messageID: messageID,
                        text: "Edited",
                        buttons: [[.callback("No", data: "no")]]
                    )
                )
            )
            #expect(edited.messageID == messageID)
            let answered = try await client.perform(
                .answerCallback(CallbackAnswer(chatID: Self.alice.id, callbackID: "cb1", text: "ok"))
            )
            #expect(answered.messageID == nil)

            let sent = fake.sentMessages(token: Self.token)
            #expect(sent.map(\.method) == ["sendMessage", "editMessageText"])
            #expect(sent[0].text == "<b>Menu</b>")
            #expect(sent[0].parseMode == "HTML")
            #expect(sent[0].replyToMessageID == 100_001)
            #expect(sent[0].buttons.map { $0.map(\.text) } == [["Yes", "Site"]])
            #expect(sent[0].buttons.first?.first?.callbackData == "yes")
            #expect(sent[0].buttons.first?.last?.url == "https://example.org")
            #expect(sent[1].text == "Edited")
            #expect(sent[1].messageID == messageID)
            #expect(sent[1].buttons.first?.first?.callbackData == "no")

            let calls = fake.calls(token: Self.token)
            let send = try #require(calls.first { $0.method == "sendMessage" })
            let quote = try JSONSerialization.jsonObject(with: Data((send.parameters["reply_parameters"] ?? "").utf8))
            #expect((quote as? [String: Any])?["allow_sending_without_reply"] as? Bool == true)
            let answer = try #require(calls.last { $0.method == "answerCallbackQuery" })
            #expect(answer.parameters["callback_query_id"] == "cb1")
            #expect(answer.parameters["text"] == "ok")
        }
    }

    @Test(
        "Bot API errors are classified",
        arguments: [
            (FakeFailure.tooManyRequests(retryAfter: 2), PlatformError.Kind.rateLimited(retryAfter: .seconds(2))),
            (
                .error(
                    code: 400,
                    description: "Bad Request: group chat was upgraded to a supergroup chat",
                    parameters: ["migrate_to_chat_id": -100_999]
                ), .migrated(toChatID: -100_999)
            ),
            (.blocked, .blocked),
            (.error(code: 403, description: "Forbidden: user is deactivated"), .blocked),
            (.error(code: 400, description: "Bad Request: chat not found"), .permanent),
            (.error(code: 502, description: "Bad Gateway"), .transient),
            (.badGateway, .transient),
        ]
    )
    func errors(failure: FakeFailure, kind: PlatformError.Kind) async throws {
        try await withFake { fake, client in
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hi")
            fake.failNext(token: Self.token, method: "sendMessage", with: failure)
            let error = await #expect(throws: PlatformError.self) {
                try await client.perform(.send(OutgoingMessage(chatID: Self.alice.id, text: "x")))
            }
            #expect(error?.kind == kind)
            #expect(error?.method == "sendMessage")
            if case .error(let code, let description, _) = failure {
                #expect(error?.code == code)
                #expect(error?.message == description)
            }
        }
    }

    @Test("a chat the bot never saw is 'chat not found', a permanent error")
    func unknownChat() async throws {
        try await withFake { _, client in
            let error = await #expect(throws: PlatformError.self) {
                try await client.perform(.send(OutgoingMessage(chatID: 5, text: "x")))
            }
            #expect(error?.kind == .permanent)
            #expect(error?.message == "Bad Request: chat not found")
        }
    }

    @Test("a server that is not there is a transient error that shows neither URL nor token")
    func unreachable() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let closed = fake.baseURL
        await fake.stop()
        var client = TelegramClient(
            token: Self.token,
            apiURL: closed,
            httpClient: .shared,
            logger: Logger(label: "test")
        )
        client.callTimeout = .seconds(1)  // the connection is retried until the call's deadline
        let error = await #expect(throws: PlatformError.self) { try await client.identify() }
        #expect(error?.kind == .transient)
        #expect(error?.code == nil)
        #expect(error?.message.lowercased().contains("refused") == true, "the cause is named")
        let text = error.map { "\($0)" } ?? ""
        #expect(!text.contains(Self.token))
        #expect(!text.contains("/bot"))
    }
}
