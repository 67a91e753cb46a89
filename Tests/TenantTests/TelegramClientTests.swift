import AsyncHTTPClient
import FakeBotAPI
import Foundation
import Logging
import Testing
@testable import Tenant

/// The Bot API client against the fake Bot API: the wire format and the error policy.
@Suite("Telegram client")
struct TelegramClientTests {
    static let token = "4242:" + String(repeating: "t", count: 35)
    static let alice = FakeUser(id: 77, firstName: "Alice", languageCode: "en")

    func withFake(_ body: (FakeBotAPI, TelegramClient) async throws -> Void) async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 4242, username: "client_test_bot")
        let client = TelegramClient(token: Self.token, apiURL: fake.baseURL, httpClient: .shared, logger: Logger(label: "test"))
        do {
            try await body(fake, client)
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    @Test("getMe identifies the bot; a wrong token is 'token rejected by Telegram (401)'")
    func identify() async throws {
        try await withFake { fake, client in
            let identity = try await client.identify()
            #expect(identity == BotIdentity(userID: 4242, username: "client_test_bot", displayName: "Test Bot"))
            let wrong = TelegramClient(token: "1:" + String(repeating: "x", count: 35), apiURL: fake.baseURL,
                                       httpClient: .shared, logger: Logger(label: "test"))
            await #expect(throws: PlatformError(kind: .unauthorized, method: "getMe", code: 401,
                                                message: "token rejected by Telegram (401)")) {
                try await wrong.identify()
            }
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
            let call = try #require(fake.calls(token: Self.token).last(where: { $0.method == "getUpdates" }))
            #expect(call.parameters["allowed_updates"] == #"["channel_post","message","my_chat_member"]"#)
        }
    }

    @Test("a long poll returns as soon as an update arrives, and cancelling it returns promptly")
    func longPoll() async throws {
        try await withFake { fake, client in
            async let updates = client.poll(offset: nil, timeout: .seconds(20), kinds: [.message])
            try await Task.sleep(for: .milliseconds(100))
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "wake up")
            #expect(try await updates.map(\.lane) == [Self.alice.id])

            let started = ContinuousClock.now
            let task = Task { try await client.poll(offset: 100, timeout: .seconds(20), kinds: [.message]) }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            _ = await task.result
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test("a second poller gets the first one a 409 conflict")
    func conflict() async throws {
        try await withFake { _, client in
            let first = Task { try await client.poll(offset: nil, timeout: .seconds(10), kinds: [.message]) }
            try await Task.sleep(for: .milliseconds(200))
            async let second = client.poll(offset: nil, timeout: .seconds(1), kinds: [.message])
            let result = await first.result
            #expect(throws: PlatformError.self) { try result.get() }
            if case .failure(let error as PlatformError) = result { #expect(error.kind == .conflict) }
            _ = try await second
        }
    }

    @Test("sends with buttons and quotes, edits, and answers button presses")
    func perform() async throws {
        try await withFake { fake, client in
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hi")
            let receipt = try await client.perform(.send(OutgoingMessage(
                chatID: Self.alice.id, text: "<b>Menu</b>", parseMode: .html,
                buttons: [[.callback("Yes", data: "yes"), .url("Site", url: "https://example.org")]],
                replyToMessageID: 100_001)))
            let messageID = try #require(receipt.messageID)
            _ = try await client.perform(.edit(MessageEdit(chatID: Self.alice.id, messageID: messageID, text: "Edited")))
            _ = try await client.perform(.answerCallback(CallbackAnswer(chatID: Self.alice.id, callbackID: "cb1", text: "ok")))
            let sent = fake.sentMessages(token: Self.token)
            #expect(sent.map(\.method) == ["sendMessage", "editMessageText"])
            #expect(sent[0].parseMode == "HTML")
            #expect(sent[0].replyToMessageID == 100_001)
            #expect(sent[0].buttons.map { $0.map(\.text) } == [["Yes", "Site"]])
            #expect(sent[0].buttons.first?.first?.callbackData == "yes")
            #expect(sent[0].buttons.first?.last?.url == "https://example.org")
            #expect(sent[1].text == "Edited")
        }
    }

    @Test("Bot API errors are classified", arguments: [
        (FakeFailure.tooManyRequests(retryAfter: 2), PlatformError.Kind.rateLimited(retryAfter: .seconds(2))),
        (.error(code: 400, description: "Bad Request: group chat was upgraded to a supergroup chat",
                parameters: ["migrate_to_chat_id": -100_999]), .migrated(toChatID: -100_999)),
        (.blocked, .blocked),
        (.error(code: 400, description: "Bad Request: chat not found"), .permanent),
        (.error(code: 502, description: "Bad Gateway"), .transient),
        (.badGateway, .transient),
    ])
    func errors(failure: FakeFailure, kind: PlatformError.Kind) async throws {
        try await withFake { fake, client in
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hi")
            fake.failNext(token: Self.token, method: "sendMessage", with: failure)
            await #expect { try await client.perform(.send(OutgoingMessage(chatID: Self.alice.id, text: "x"))) }
                throws: { ($0 as? PlatformError)?.kind == kind }
        }
    }

    @Test("a chat the bot never saw is 'chat not found', a permanent error")
    func unknownChat() async throws {
        try await withFake { _, client in
            await #expect { try await client.perform(.send(OutgoingMessage(chatID: 5, text: "x"))) } throws: { error in
                let error = error as? PlatformError
                return error?.kind == .permanent && error?.message == "Bad Request: chat not found"
            }
        }
    }
}
