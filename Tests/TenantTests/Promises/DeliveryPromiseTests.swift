import Foundation
import Testing
import TenantTestSupport
@testable import Tenant
import Storage
import GRDB

/// The README's "Sending: limits, errors, dead letters, broadcasts", promise by promise.
@Suite("Delivery promises", .timeLimit(.minutes(2)))
struct DeliveryPromiseTests {
    /// Answers `<n> <word>` with n numbered messages, `tell <chat>` with one message to that
    /// chat, and anything else with `<chat>:<text>`.
    struct Talker: Plugin {
        static let name = "talker"
        init(configuration: NoConfiguration, bot: BotDescriptor) {}
        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let message = update.message, let text = message.text else { return .passed }
            let words = text.split(separator: " ")
            if words.count == 2, let count = Int(words[0]) {
                for index in 0..<count { context.reply("\(words[1]) \(index)") }
            } else if words.count == 2, words[0] == "tell", let chat = Int64(words[1]) {
                context.send(OutgoingMessage(chatID: chat, text: "told by \(message.chat.id)"))
            } else {
                context.reply("\(message.chat.id):\(text)")
            }
            return .handled
        }
    }

    static let talker = Talker(configuration: .init(), bot: .test)

    static let blocked = PlatformError(
        kind: .blocked, method: "sendMessage", code: 403, message: "Forbidden: bot was blocked by the user")

    /// Seeds private chats with these ids and the people's client languages.
    static func seed(_ path: String, _ people: [(id: Int64, language: String?)]) async throws {
        let store = try await BotStore.open(path: path, plugins: [])
        try await store.write { db in
            for person in people {
                try db.execute(
                    sql: "INSERT INTO chats (id, kind, blocked, first_seen, last_seen) VALUES (?, 'private', 0, 0, 0)",
                    arguments: [person.id])
                try db.execute(
                    sql: """
                        INSERT INTO users (id, first_name, language_code, first_seen, last_seen)
                        VALUES (?, 'Person', ?, 0, 0)
                        """,
                    arguments: [person.id, person.language])
            }
        }
        await store.close()
    }

    @Test("group_per_minute 20: a group gets a burst of 3, then one message every 3 s")
    func groupPerMinute() async throws {
        // What the manifest's `delivery.group_per_minute: 20` becomes.
        var limits = DeliveryLimits.unlimited
        limits.group = RateLimit(20, per: .seconds(60), burst: 3)
        let bot = GatedTenant(plugins: [Self.talker], limits: limits)
        try await bot.running {
            bot.platform.inner.send(chat: -555, text: "6 news")
            _ = try await bot.platform.inner.waitForPerformed(3)
            await bot.changes.wait { bot.clock.sleepers == 1 }
            #expect(bot.platform.inner.performed.count == 3, "the fourth waits for the group's rate")
            for sent in 3..<6 {
                await bot.changes.wait { bot.clock.sleepers == 1 }
                let deadline = try #require(bot.clock.manual.nextDeadline)
                #expect(deadline == .seconds(3 * (sent - 2)), "one message every 3 s after the burst")
                bot.clock.advance(to: deadline)
                _ = try await bot.platform.inner.waitForPerformed(sent + 1)
            }
        }
        #expect(bot.platform.inner.performed.map(\.text) == (0..<6).map { "news \($0)" })
        #expect(bot.clock.now == .seconds(9))
    }

    @Test("bot_per_second 5: ten chats get 5 messages at once, then one every 200 ms across the bot")
    func botPerSecond() async throws {
        // What the manifest's `delivery.bot_per_second: 5` becomes.
        var limits = DeliveryLimits.unlimited
        limits.bot = RateLimit(5, per: .seconds(1), burst: 5)
        let bot = GatedTenant(plugins: [Self.talker], limits: limits)
        try await bot.running {
            for chat in Int64(1)...10 { bot.platform.inner.send(chat: chat, text: "hi") }
            _ = try await bot.platform.inner.waitForPerformed(5)
            await bot.changes.wait { bot.clock.sleepers >= 1 }
            #expect(bot.platform.inner.performed.count == 5, "the sixth waits for the bot-wide rate")
            for sent in 5..<10 {
                await bot.changes.wait { bot.clock.sleepers >= 1 }
                let deadline = try #require(bot.clock.manual.nextDeadline)
                #expect(deadline == .milliseconds(200 * (sent - 4)))
                bot.clock.advance(to: deadline)
                _ = try await bot.platform.inner.waitForPerformed(sent + 1)
            }
        }
        #expect(Set(bot.platform.inner.performed.map(\.chatID)) == Set(1...10))
        #expect(bot.clock.now == .seconds(1), "5 at once, then 5 more 200 ms apart")
    }

    @Test("429 on a broadcast message: no broadcast message to any chat goes before retry_after")
    func rateLimitedBroadcastPausesAllBroadcasting() async throws {
        let path = TenantHarness.temporaryDatabase()
        try await Self.seed(path, [(1, nil), (2, nil), (3, nil)])
        var limits = DeliveryLimits.unlimited
        limits.broadcast = RateLimit(1, per: .seconds(1), burst: 1)
        let bot = GatedTenant(plugins: [], limits: limits, holdFirst: true, databasePath: path)
        try await bot.running {
            _ = try await bot.tenant.broadcast("news")
            // The first message is at the platform; the other two wait for their slots (1 s, 2 s).
            await bot.changes.wait { bot.platform.isHolding && bot.clock.sleepers == 2 }
            bot.platform.release(with: PlatformError(
                kind: .rateLimited(retryAfter: .seconds(10)), method: "sendMessage", code: 429,
                message: "Too Many Requests: retry after 10"))
            await bot.changes.wait { bot.clock.sleepers == 3 }
            let woken = bot.clock.woken
            bot.clock.advance(to: .seconds(9))
            // The two woken senders either send (the promise broken) or sleep again.
            await bot.changes.wait {
                bot.clock.woken == woken + 2 && (bot.clock.sleepers == 3 || bot.platform.attempts.count > 1)
            }
            #expect(bot.platform.attempts.count == 1, "nothing sent in the 10 s: \(bot.platform.attempts)")
            bot.clock.advance(to: .seconds(10))
            await bot.changes.wait { bot.platform.attempts.count > 1 }
            // Let the rest go (a sender still waking at 10 s sleeps past a deadline already gone).
            bot.clock.advance(to: .seconds(100))
            await bot.changes.wait { bot.platform.attempts.count == 4 }
        }
        let attempts = bot.platform.attempts
        #expect(attempts.first?.failed == true)
        #expect(attempts.dropFirst().allSatisfy { $0.at >= .seconds(10) && !$0.failed }, "\(attempts)")
        #expect(bot.metrics.value(TenantMetricName.rateLimited) == 1)
    }

    @Test("403: the chat's other pending messages are dead-lettered, later sends held until the person writes")
    func blockedChatDropsPendingAndHoldsLaterSends() async throws {
        let bot = GatedTenant(plugins: [Self.talker], limits: .unlimited)
        bot.platform.inner.failNextPerforms([Self.blocked])
        try await bot.running {
            bot.platform.inner.send(chat: 5, text: "3 parts")
            await bot.changes.wait { bot.platform.attempts.count == 1 }
            // Another chat's message makes the bot send to chat 5: held, since 5 has not written.
            bot.platform.inner.send(chat: 6, text: "tell 5")
            bot.platform.inner.send(chat: 6, text: "done")
            _ = try await bot.platform.inner.waitForPerformed(1)
            bot.platform.inner.send(chat: 5, text: "back")
            _ = try await bot.platform.inner.waitForPerformed(2)
        }
        #expect(bot.platform.inner.performed.map(\.text) == ["6:done", "5:back"])
        let store = try await bot.openStore()
        let dead = try await store.deadLetters()
        #expect(dead.count == 4, "the three parts and the held message")
        #expect(try await store.status().messagesDead == 4)
        #expect(try await store.startupState().blockedChatIDs.isEmpty, "writing again unblocks the chat")
        #expect(bot.metrics.value(TenantMetricName.deadLetters) == 4, "each dead letter counted once")
    }

    @Test("retrying chosen dead letters sends those and leaves the others dead")
    func retryChosenDeadLetters() async throws {
        let bot = GatedTenant(plugins: [Self.talker], limits: .unlimited)
        bot.platform.inner.failNextPerforms((0..<3).map { _ in
            PlatformError(kind: .permanent, method: "sendMessage", code: 400, message: "Bad Request: chat not found")
        })
        try await bot.running {
            bot.platform.inner.send(chat: 2, text: "3 parts")
            // Sent after the three parts in the chat's order, so they are dead letters by then.
            bot.platform.inner.send(chat: 2, text: "after")
            _ = try await bot.platform.inner.waitForPerformed(1)
            let dead = try await bot.tenant.deadLetters()
            #expect(dead.count == 3)
            let chosen = try #require(dead.first { $0.payload.contains("parts 1") }?.id)
            #expect(try await bot.tenant.retryDeadLetters([chosen]) == 1)
            _ = try await bot.platform.inner.waitForPerformed(2)
        }
        #expect(bot.platform.inner.performed.map(\.text) == ["2:after", "parts 1"])
        let left = try await bot.openStore().deadLetters()
        #expect(left.count == 2 && left.allSatisfy { !$0.payload.contains("parts 1") })
    }

    @Test("a broadcast filtered by language reaches only people whose client language starts with a code")
    func broadcastLanguageFilter() async throws {
        let path = TenantHarness.temporaryDatabase()
        try await Self.seed(path, [(1, "ru"), (2, "en"), (3, "ru-RU"), (4, nil), (5, "uk")])
        let bot = GatedTenant(plugins: [], limits: .unlimited, databasePath: path)
        try await bot.running {
            let id = try await bot.tenant.broadcast("привет", filter: BroadcastFilter(languages: ["ru", "uk"]))
            _ = try await bot.platform.inner.waitForPerformed(3)
            #expect(try await bot.tenant.broadcastProgress(id: id)?.total == 3)
        }
        #expect(Set(bot.platform.inner.performed.map(\.chatID)) == [1, 3, 5])
    }
}
