import Foundation
import Logging
import Plugins
import Synchronization
import TenantTestSupport
import Testing
import Tenant

/// The followups plugin in a running bot (sandbox platform, injected clock): the host's
/// scheduler holds a follow-up through quiet hours and a restart.
@Suite("Followups in a running bot", .timeLimit(.minutes(5)))
struct FollowupsRuntimeTests {
    static let eve = User(id: 5, firstName: "Eve", languageCode: "en")
    /// 2027-01-15 08:00 UTC, 11:00 in Moscow.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// One run of the bot over a sandbox, until `body` returns.
    static func running(
        _ sandbox: SandboxPlatform, clock: ManualClock, databasePath: String,
        _ body: (Tenant) async throws -> Void
    ) async throws {
        let bot = BotDescriptor(id: "han", name: "Han", locale: "en", timeZone: TimeZone(identifier: "Europe/Moscow")!)
        let plugin = try FollowupsPlugin(
            configuration: FollowupsConfiguration(
                afterHours: 12, starters: [LocalizedText("How was your day?")], messages: [LocalizedText("Still here.")]),
            bot: bot)
        let running = Mutex<CheckedContinuation<Void, Never>?>(nil)
        var logger = Logger(label: "followups-runtime")
        logger.logLevel = .critical
        let tenant = Tenant(
            configuration: TenantConfiguration(bot: bot, databasePath: databasePath), platform: sandbox, source: .pushed,
            decoder: SandboxUpdateDecoder(), plugins: [plugin],
            migrations: [PluginMigrations(pluginName: FollowupsPlugin.name, steps: FollowupsPlugin.migrations)],
            logger: logger, clock: clock, now: { [start] in start.addingTimeInterval(clock.now.timeInterval) },
            onStateChange: { state in
                if state != .starting { running.withLock { $0.take() }?.resume() }
            })
        async let run: Void = tenant.run()
        await withCheckedContinuation { continuation in
            running.withLock { $0 = continuation }
        }
        do {
            try #require(await tenant.state == .running)
            try await body(tenant)
        } catch {
            tenant.stop()
            try? await run
            throw error
        }
        tenant.stop()
        try await run
    }

    /// The bot's messages to Eve.
    static func botTexts(_ sandbox: SandboxPlatform) -> [String] {
        sandbox.messages(chatID: eve.id).filter { $0.from == .bot }.map(\.text)
    }

    /// Waits, message by message, until the bot has written `count` messages to Eve; bounded by
    /// the suite's time limit.
    static func waitForBotTexts(_ sandbox: SandboxPlatform, count: Int) async {
        while true {
            let revision = sandbox.messages(chatID: eve.id).last?.revision ?? 0
            if botTexts(sandbox).count >= count { return }
            _ = await sandbox.waitForMessages(chatID: eve.id, after: revision, timeout: .seconds(3600))
        }
    }

    @Test("a follow-up that falls in the night waits for 09:00 in the person's zone, through a restart, and goes once")
    func quietHoursAndRestart() async throws {
        let sandbox = SandboxPlatform(botID: "han", displayName: "Han")
        let clock = ManualClock()
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-followups-\(UUID().uuidString)/bot.sqlite").path

        try await Self.running(sandbox, clock: clock, databasePath: path) { tenant in
            try await tenant.ingest([sandbox.userWrites("hi", as: Self.eve, at: Self.start)])
            await clock.waitForSleeper()
            // 12 h after 11:00 is 23:00 in Moscow: quiet. 21 h later it is 08:00 there.
            clock.advance(by: .seconds(21 * 3600))
            await clock.waitForSleeper()
            #expect(Self.botTexts(sandbox).isEmpty)
        }
        #expect(Self.botTexts(sandbox).isEmpty, "nothing was sent at night")

        clock.advance(by: .seconds(3600))  // 09:00 in Moscow, while the bot is down
        try await Self.running(sandbox, clock: clock, databasePath: path) { _ in
            await Self.waitForBotTexts(sandbox, count: 1)
        }
        #expect(Self.botTexts(sandbox) == ["How was your day?"])

        try await Self.running(sandbox, clock: clock, databasePath: path) { tenant in
            // A message round trip: the scheduler has looked at its table by the time it is answered.
            try await tenant.ingest([sandbox.userWrites("/timezone Europe/Moscow", as: Self.eve, at: Self.start)])
            await Self.waitForBotTexts(sandbox, count: 2)
        }
        #expect(Self.botTexts(sandbox).filter { $0 == "How was your day?" }.count == 1, "it went once")
    }
}
