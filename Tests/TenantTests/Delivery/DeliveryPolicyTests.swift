import Foundation
import Testing
import TenantTestSupport
@testable import Tenant

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

    @Test("100 messages to one chat are paced while another chat's reply is not held behind them")
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
            harness.platform.send(chat: 2, text: "hi")
            let afterReply = try await harness.platform.waitForPerformed(4)
            #expect(afterReply.last == .init(chatID: 2, text: "2:hi"), "chat 2 is not held behind chat 1")
            for _ in 0..<97 {
                await clock.waitForSleeper()
                clock.advance(by: .seconds(1))
            }
            _ = try await harness.platform.waitForPerformed(101)
        }
        let chatOne = harness.platform.performed.filter { $0.chatID == 1 }.map(\.text)
        #expect(chatOne == (0..<100).map { "flood \($0)" })
        #expect(clock.now == .seconds(97), "3 in the burst, then one a second")
    }

    @Test("403 blocked: the chat is marked, its pending messages dead-lettered, nothing sent until it writes again")
    func blockedChat() async throws {
        let harness = TenantHarness()
        harness.platform.failNextPerforms([
            PlatformError(kind: .blocked, method: "sendMessage", code: 403, message: "Forbidden: bot was blocked by the user")
        ])
        try await harness.running {
            harness.platform.send(chat: 5, text: "first")
            let store = try harness.openStore()
            // Wait for the 403 to be recorded.
            for _ in 0..<1000 where try await store.status().messagesDead < 1 {
                try await Task.sleep(for: .milliseconds(10))
            }
            harness.platform.send(chat: 5, text: "writes again")
            _ = try await harness.platform.waitForPerformed(1)
        }
        #expect(harness.platform.performed.map(\.text) == ["5:writes again"])
        let store = try harness.openStore()
        let blocked = try await store.blockedChatIDs()
        #expect(blocked.isEmpty, "writing again unblocks the chat")
        let dead = try await store.deadLetters()
        #expect(dead.count == 1)
        #expect(dead.first?.lastError?.contains("blocked by the user") == true)
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
        let chats = try await harness.openStore().writer.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM chats") }
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
