import Foundation
import Testing
import TenantTestSupport
@testable import Tenant
import Storage
import GRDB

@Suite("Broadcasts")
struct BroadcastTests {
    /// `/announce <text>` broadcasts the text; nothing else.
    struct Announcer: Plugin {
        static let name = "announcer"
        init(configuration: NoConfiguration, bot: BotDescriptor) {}
        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let command = update.message?.command, command.name == "announce" else { return .passed }
            context.delivery.broadcast(command.arguments)
            return .handled
        }
    }

    static let limits = DeliveryLimits(
        privateChat: RateLimit(100, per: .seconds(1), burst: 100),
        bot: RateLimit(5000, per: .seconds(1), burst: 100),
        broadcast: RateLimit(4000, per: .seconds(1), burst: 100))

    /// Seeds `count` private chats (ids 1_000_000…), plus `blocked` chats that blocked the bot.
    static func seed(_ path: String, count: Int, blocked: Int) async throws {
        let store = try await BotStore.open(path: path, plugins: [])
        try await store.write { db in
            for index in 0..<(count + blocked) {
                try db.execute(
                    sql: "INSERT INTO chats (id, kind, blocked, first_seen, last_seen) VALUES (?, 'private', ?, 0, 0)",
                    arguments: [1_000_000 + index, index >= count])
            }
        }
        await store.close()
    }

    /// Moves `clock` from one sleeping sender's deadline to the next, each time until one more
    /// message is out, until `platform` performed `count` messages.
    ///
    /// - Important: Past the burst every message waits for its slot, so a sender sleeps until
    ///   the last one is out; `count` must lie beyond the burst.
    static func drive(_ clock: ManualClock, until count: Int, on platform: ScriptedPlatform) async throws {
        while platform.performed.count < count {
            await clock.waitForSleeper()
            let sent = platform.performed.count
            guard sent < count, let deadline = clock.nextDeadline else { continue }
            clock.advance(by: deadline - clock.now)
            _ = try await platform.waitForPerformed(sent + 1)
        }
    }

    @Test("a 10,000-chat broadcast is paced within the limit and finishes after a restart, no chat messaged twice",
          .timeLimit(.minutes(2)))
    func tenThousandChats() async throws {
        let chats = 10_000
        let path = TenantHarness.temporaryDatabase()
        try await Self.seed(path, count: chats, blocked: 25)
        // The pacing runs on a clock that moves only by hand, so the windows below count what the
        // pacer allowed, not how fast this machine happened to be. A zero flush timeout stops at once
        // (a flush would wait on the manual clock).
        let clock = ManualClock()
        let platform = ScriptedPlatform(clock: clock)
        let announcer = Announcer(configuration: .init(), bot: .test)

        let first = TenantHarness(platform: platform, plugins: [announcer], databasePath: path, limits: Self.limits,
                                  clock: clock, flushTimeout: .zero)
        try await first.running {
            platform.send(chat: 42, text: "/announce Big news")
            try await Self.drive(clock, until: 3_000, on: platform)
        }
        let beforeRestart = platform.performed.count
        #expect(beforeRestart < chats, "the restart lands midway")

        // The pacer starts afresh with the process: the restart takes a (manual) second.
        clock.advance(by: .seconds(1))
        let second = TenantHarness(platform: platform, plugins: [announcer], databasePath: path, limits: Self.limits,
                                   clock: clock, flushTimeout: .zero)
        try await second.running {
            try await Self.drive(clock, until: chats + 1, on: platform)
        }

        let performed = platform.performed
        // The admin's own chat (42) is a private chat of the bot too.
        let expected = Set((0..<chats).map { Int64(1_000_000 + $0) } + [42])
        #expect(performed.count == expected.count, "every chat once, none twice")
        #expect(Set(performed.map(\.chatID)) == expected, "blocked chats are left out")
        #expect(performed.allSatisfy { $0.text == "Big news" })

        // No one-second window holds more than the broadcast rate plus its burst.
        let times = platform.performTimes
        var start = 0
        var busiest = 0
        for end in times.indices {
            while times[end] - times[start] >= .seconds(1) { start += 1 }
            busiest = max(busiest, end - start + 1)
        }
        #expect(busiest <= 4000 + 100, "at most 4,100 messages in any second, saw \(busiest)")

        let progress = try #require(try await second.openStore().broadcastProgress())
        #expect(progress.total == chats + 1 && progress.sent == chats + 1)
        #expect(progress.pending == 0 && progress.failed == 0)
    }

    @Test("replies to people go out while a broadcast is running: ahead of every broadcast message still waiting",
          .timeLimit(.minutes(2)))
    func repliesFirst() async throws {
        let path = TenantHarness.temporaryDatabase()
        try await Self.seed(path, count: 2_000, blocked: 0)
        // The bot-wide limit leaves room for the reply; the broadcast share holds back the broadcast.
        let slow = DeliveryLimits(
            privateChat: RateLimit(100, per: .seconds(1), burst: 100),
            bot: RateLimit(1000, per: .seconds(1), burst: 100),
            broadcast: RateLimit(200, per: .seconds(1), burst: 10))
        let heard = EventCounter()
        struct Both: Plugin {
            static let name = "both"
            let heard: EventCounter
            init(heard: EventCounter) { self.heard = heard }
            init(configuration: NoConfiguration, bot: BotDescriptor) { heard = EventCounter() }
            func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
                guard let message = update.message, let text = message.text else { return .passed }
                if text == "/announce" { context.delivery.broadcast("news") } else { context.reply("echo \(text)") }
                if text == "hello" { heard.record() }
                return .handled
            }
        }
        // The clock moves only by hand, so how far the broadcast got depends on the steps taken, not on
        // the machine's speed. A zero flush timeout lets the stop leave the rest of the broadcast pending.
        let clock = ManualClock()
        let harness = TenantHarness(plugins: [Both(heard: heard)], databasePath: path, limits: slow, clock: clock,
                                    flushTimeout: .zero)
        try await harness.running {
            harness.platform.send(chat: 7, text: "/announce")
            _ = try await harness.platform.waitForPerformed(10)  // the broadcast's burst
            // Someone the broadcast does not reach writes: a recipient's reply would rightly wait
            // for that chat's own broadcast message in flight (one chat strictly in order), and how
            // long that takes to be recorded depends on the machine, not on the clock the test moves.
            harness.platform.send(chat: 8, text: "hello")
            await heard.wait()
            // The reply is queued once the handler's chat is handed back.
            await harness.tenant.inbox.waitUntilIdle()
            // Move the clock to the next broadcast slot, one at a time, each time until its message is out.
            for _ in 0..<30 where !harness.platform.performed.contains(where: { $0.text == "echo hello" }) {
                await clock.waitForSleeper()
                let count = harness.platform.performed.count
                clock.advance(by: try #require(clock.nextDeadline) - clock.now)
                _ = try await harness.platform.waitForPerformed(count + 1)
            }
        }
        let sent = harness.platform.performed
        let reply = try #require(sent.firstIndex(where: { $0.text == "echo hello" }), "the reply went out")
        // Before the reply: the burst, and at most the broadcast messages the sending slots already held,
        // waiting for their time. No broadcast message taken after the reply was queued goes first.
        #expect(reply <= 10 + slow.concurrentSends, "\(reply) broadcast messages went before the reply")
        #expect(sent.count < 2_000, "the broadcast was still running")
    }

    @Test("a broadcast longer than one message goes out in parts, in order, each within the limit",
          .timeLimit(.minutes(2)))
    func longBroadcastIsSplit() async throws {
        let path = TenantHarness.temporaryDatabase()
        try await Self.seed(path, count: 2, blocked: 0)
        let harness = TenantHarness(plugins: [], databasePath: path, limits: Self.limits, flushTimeout: .milliseconds(1))
        let paragraph = String(repeating: "word ", count: 600).trimmingCharacters(in: .whitespaces)
        let text = paragraph + "\n\n" + paragraph
        let id = try await harness.running {
            let id = try await harness.tenant.broadcast(text)
            let sent = try await harness.platform.waitForPerformed(4)
            #expect(sent.count == 4)
            #expect(sent.allSatisfy { $0.text.count <= 4096 })
            for chat in [Int64(1_000_000), 1_000_001] {
                let parts = sent.filter { $0.chatID == chat }.map(\.text)
                #expect(parts == [paragraph, paragraph])
            }
            return id
        }
        // The stop drained the outbox: every send is on record once `running` returns.
        let progress = try await harness.openStore().broadcastProgress(id: id)
        #expect(progress?.total == 4)
        #expect(progress?.sent == 4)
    }
}
