import Foundation
import Testing
import TenantTestSupport
@testable import Tenant
import Storage
import GRDB

@Suite("Delivery policy")
struct DeliveryPolicyTests {
    static let rateLimited = PlatformError(
        kind: .rateLimited(retryAfter: .seconds(2)), method: "sendMessage", code: 429,
        message: "Too Many Requests: retry after 2")

    @Test("429 with retry_after 2: delivered exactly once, not before the 2 s")
    func honoursRetryAfter() async throws {
        let clock = ManualClock()
        let harness = TenantHarness(clock: clock)
        harness.platform.failNextPerforms([Self.rateLimited])
        try await harness.running {
            harness.platform.send(chat: 1, text: "hello")
            await clock.waitForSleeper()
            #expect(clock.nextDeadline == .seconds(2))
            clock.advance(by: .milliseconds(1999))
            #expect(harness.platform.performed.isEmpty)
            clock.advance(by: .milliseconds(1))
            _ = try await harness.platform.waitForPerformed(1)
        }
        #expect(harness.platform.performed.map(\.text) == ["1:hello"])
        let status = try await harness.openStore().status()
        #expect(status.messagesSent == 1)
    }

    @Test("100 messages to one chat: 3 in the burst, then exactly one a second; another chat's reply is not held",
          .timeLimit(.minutes(2)))
    func pacesPerChat() async throws {
        let clock = ManualClock()
        let limits = DeliveryLimits(
            privateChat: RateLimit(1, per: .seconds(1), burst: 3),
            bot: RateLimit(30, per: .seconds(1), burst: 30))
        let harness = TenantHarness(plugins: [Flood(configuration: .init(), bot: .test)], limits: limits, clock: clock)
        try await harness.running {
            harness.platform.send(chat: 1, text: "flood")
            _ = try await harness.platform.waitForPerformed(3)  // the burst
            await clock.waitForSleeper()
            #expect(harness.platform.performed.count == 3, "the fourth waits for the rate")
            #expect(clock.nextDeadline == .seconds(1))
            harness.platform.send(chat: 2, text: "hi")
            let afterReply = try await harness.platform.waitForPerformed(4)
            #expect(afterReply.last == .init(chatID: 2, text: "2:hi"), "chat 2 is not held behind chat 1")
            // Each second lets exactly one more message out: the sender then sleeps until the next
            // second, so the count is settled when the clock has a sleeper again.
            for second in 1...97 {
                clock.advance(by: .seconds(1))
                _ = try await harness.platform.waitForPerformed(4 + second)
                guard second < 97 else { break }
                await clock.waitForSleeper()
                try #require(harness.platform.performed.count == 4 + second, "one message in second \(second)")
                try #require(clock.nextDeadline == .seconds(second + 1), "the next waits a whole second")
            }
        }
        let chatOne = harness.platform.performed.filter { $0.chatID == 1 }.map(\.text)
        #expect(chatOne == (0..<100).map { "flood \($0)" })
    }

    @Test("403 blocked: the chat is marked, its pending messages dead-lettered, nothing sent until it writes again",
          .timeLimit(.minutes(2)))
    func blockedChat() async throws {
        let platform = ScriptedPlatform()
        let first = TenantHarness(platform: platform)
        platform.failNextPerforms([
            PlatformError(kind: .blocked, method: "sendMessage", code: 403, message: "Forbidden: bot was blocked by the user")
        ])
        try await first.running {
            platform.send(chat: 5, text: "first")
            await platform.performAttempts.wait(atLeast: 1)
        }
        // The stop drained the failed send: the 403 is on record before the chat writes again.
        let before = try await first.openStore()
        #expect(try await before.startupState().blockedChatIDs == [5])
        #expect(try await before.status().messagesDead == 1)
        await before.close()

        let second = TenantHarness(platform: platform, databasePath: first.databasePath)
        try await second.running {
            platform.send(chat: 5, text: "writes again")
            _ = try await platform.waitForPerformed(1)
        }
        #expect(platform.performed.map(\.text) == ["5:writes again"])
        let store = try await second.openStore()
        let blocked = try await store.startupState().blockedChatIDs
        #expect(blocked.isEmpty, "writing again unblocks the chat")
        let dead = try await store.deadLetters()
        #expect(dead.count == 1)
        #expect(dead.first?.lastError?.contains("blocked by the user") == true)
    }

    @Test("a plugin's retry of a blocked chat's dead letters sends them in the same run: the chat is reachable again",
          .timeLimit(.minutes(2)))
    func pluginRetryUnblocks() async throws {
        let platform = ScriptedPlatform()
        let harness = TenantHarness(platform: platform)
        platform.failNextPerforms([
            PlatformError(kind: .blocked, method: "sendMessage", code: 403, message: "Forbidden: bot was blocked by the user")
        ])
        try await harness.running {
            platform.send(chat: 5, text: "first")
            await platform.performAttempts.wait(atLeast: 1)
            // The chat's lane ends once the 403 is on record.
            await harness.tenant.outbox.waitUntilIdle()
            // Another chat's admin retries it while the bot keeps running: the sender must not
            // hold on to the chat's blocked state the database no longer has.
            platform.send(chat: 9, text: "retry dead letters")
            _ = try await platform.waitForPerformed(1)
        }
        #expect(platform.performed.map(\.text) == ["5:first"])
        let store = try await harness.openStore()
        #expect(try await store.deadLetters().isEmpty)
        #expect(try await store.startupState().blockedChatIDs.isEmpty)
    }

    @Test("400 migrate_to_chat_id: the chat moves to the supergroup id and the message is re-sent there")
    func migration() async throws {
        let harness = TenantHarness()
        harness.platform.failNextPerforms([
            PlatformError(kind: .migrated(toChatID: -100_555), method: "sendMessage", code: 400,
                          message: "Bad Request: group chat was upgraded to a supergroup chat")
        ])
        try await harness.running {
            harness.platform.send(chat: -555, text: "to the group")
            _ = try await harness.platform.waitForPerformed(1)
        }
        #expect(harness.platform.performed == [.init(chatID: -100_555, text: "-555:to the group")])
        let chats = try await harness.openStore().read { db in try Int64.fetchAll(db, sql: "SELECT id FROM chats") }
        #expect(chats == [-100_555])
    }

    @Test("a transient failure past the maximum age is dead-lettered")
    func maxAge() async throws {
        let limits = DeliveryLimits.unlimited.with(maxAge: .zero)
        let harness = TenantHarness(limits: limits)
        harness.platform.failNextPerforms([PlatformError(kind: .transient, method: "sendMessage", code: 502, message: "Bad Gateway")])
        try await harness.running {
            harness.platform.send(chat: 1, text: "old")
            harness.platform.send(chat: 1, text: "next")
            _ = try await harness.platform.waitForPerformed(1)
        }
        #expect(harness.platform.performed.map(\.text) == ["1:next"])
        #expect(try await harness.openStore().deadLetters().first?.lastError?.contains("gave up after") == true)
    }

    /// Answers "flood" with 100 numbered messages and anything else with `<chat>:<text>`.
    struct Flood: Plugin {
        static let name = "flood"
        init(configuration: NoConfiguration, bot: BotDescriptor) {}
        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let message = update.message, let text = message.text else { return .passed }
            if text == "flood" {
                for index in 0..<100 { context.reply("flood \(index)") }
            } else {
                context.reply("\(message.chat.id):\(text)")
            }
            return .handled
        }
    }
}

extension DeliveryLimits {
    func with(maxAge: Duration) -> DeliveryLimits {
        var copy = self
        copy.maxAge = maxAge
        return copy
    }
}
