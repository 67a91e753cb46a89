import AsyncHTTPClient
import FakeBotAPI
import Foundation
import Logging
import Testing
@testable import Tenant

/// The Tenant and the real Telegram client against the fake Bot API, with faults injected.
@Suite("Delivery over a flaky network", .timeLimit(.minutes(5)))
struct FlakyNetworkTests {
    static let token = "5151:" + String(repeating: "f", count: 35)

    @Test("a burst of 5xx and dropped connections: every message delivered, in per-chat order, dead letters retried")
    func burstOfFailures() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 5151, username: "flaky_bot")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let client = TelegramClient(token: Self.token, apiURL: fake.baseURL, httpClient: .shared, logger: logger)
        let states = StateRecorder()
        let tenant = Tenant(
            configuration: TenantConfiguration(
                bot: .test, databasePath: TenantHarness.temporaryDatabase(), pollTimeout: .seconds(1),
                backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(40), minimum: .milliseconds(1)),
                limits: .unlimited),
            platform: client, source: .polling(client, webhooks: client), decoder: TelegramUpdateDecoder(),
            plugins: [Echo(configuration: .init(), bot: .test)], migrations: [], logger: logger,
            onStateChange: { states.record($0) })
        async let run: Void = tenant.run()
        try await states.wait(for: .running)

        fake.failNext(token: Self.token, method: "sendMessage", times: 4, with: .error(code: 502, description: "Bad Gateway"))
        fake.failNext(token: Self.token, method: "sendMessage", times: 3, with: .badGateway)
        fake.failNext(token: Self.token, method: "sendMessage", times: 2, with: .error(code: 500, description: "Internal Server Error"))
        let users = (1...3).map { FakeUser(id: Int64($0), firstName: "U\($0)") }
        for index in 0..<10 {
            for user in users { fake.sendText(token: Self.token, chatID: user.id, from: user, text: "m\(index)") }
        }
        let sent = try await fake.waitForSentMessages(token: Self.token, count: 30, timeout: .seconds(90))
        for user in users {
            #expect(sent.filter { $0.chatID == user.id }.map(\.text) == (0..<10).map { "m\($0)" })
        }

        // A permanent error dead-letters; an admin retry sends it once the cause is gone.
        fake.failNext(token: Self.token, method: "sendMessage", with: .error(code: 400, description: "Bad Request: can't parse entities"))
        fake.sendText(token: Self.token, chatID: 1, from: users[0], text: "retry me")
        // A chat's rows go one after the other: the next reply there leaves once the refused one is dead.
        fake.sendText(token: Self.token, chatID: 1, from: users[0], text: "next")
        let next = try await fake.waitForSentMessages(token: Self.token, count: 31, timeout: .seconds(90))
        #expect(next.last?.text == "next")
        #expect(try await tenant.deadLetters().first?.lastError?.contains("can't parse entities") == true)
        #expect(try await tenant.retryDeadLetters() == 1)
        let after = try await fake.waitForSentMessages(token: Self.token, count: 32, timeout: .seconds(90))
        #expect(after.last?.text == "retry me")

        // The public broadcast API reaches every chat once.
        let id = try await tenant.broadcast("to all")
        let all = try await fake.waitForSentMessages(token: Self.token, count: 35, timeout: .seconds(90))
        #expect(Set(all.suffix(3).map(\.chatID)) == Set(users.map(\.id)))
        // The fake has the messages a moment before the host records them as sent; a reply in
        // each chat after them leaves only once they are recorded.
        for user in users { fake.sendText(token: Self.token, chatID: user.id, from: user, text: "after") }
        let replies = try await fake.waitForSentMessages(token: Self.token, count: 38, timeout: .seconds(90))
        #expect(replies.suffix(3).allSatisfy { $0.text == "after" })
        let progress = try await tenant.broadcastProgress(id: id)
        #expect(progress?.sent == 3 && progress?.total == 3)

        tenant.stop()
        try await run
        await fake.stop()
    }

    struct Echo: Plugin {
        static let name = "echo-test"
        init(configuration: NoConfiguration, bot: BotDescriptor) {}
        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let text = update.message?.text else { return .passed }
            context.reply(text)
            return .handled
        }
    }
}
