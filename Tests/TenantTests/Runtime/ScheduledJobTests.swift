import Foundation
import GRDB
import Testing
import TenantTestSupport
@testable import Tenant
import Storage

/// The durable scheduler: a plugin's "run this for chat X at time T", on an injected clock.
@Suite("Scheduled jobs", .timeLimit(.minutes(5)))
struct ScheduledJobTests {
    /// `remind SECONDS TEXT` schedules (or moves) the chat's reminder and answers "ok";
    /// `cancel` cancels it. A due reminder answers `⏰ TEXT` and counts itself in `fired`;
    /// the text `boom` throws when it fires, and `again` schedules itself once more, 10 s later.
    struct ReminderPlugin: Plugin {
        static let name = "reminder"
        static let migrations = [
            PluginMigration("v1") { db in
                try db.create(table: "fired") { t in
                    t.autoIncrementedPrimaryKey("id")
                    t.column("text", .text).notNull()
                }
            }
        ]

        /// Counts the jobs that threw, as they throw.
        let explosions = EventCounter()

        init(configuration: NoConfiguration, bot: BotDescriptor) {}

        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let words = update.message?.text?.split(separator: " ", maxSplits: 2).map(String.init) else {
                return .passed
            }
            switch words.first {
            case "remind":
                context.schedule("reminder", at: context.now.addingTimeInterval(Double(words[1])!), payload: words[2])
            case "cancel":
                context.cancelSchedule("reminder")
            default:
                return .passed
            }
            context.reply("ok")
            return .handled
        }

        func fire(_ job: ScheduledJob, context: PluginContext) async throws {
            if job.payload == "boom" {
                explosions.record()
                throw ReminderError.exploded
            }
            context.reply("⏰ \(job.payload)")
            if job.payload == "again" {
                context.schedule("reminder", at: context.now.addingTimeInterval(10), payload: "last")
            }
            let text = job.payload
            context.storage.write { db in try db.execute(sql: "INSERT INTO fired (text) VALUES (?)", arguments: [text]) }
        }

        enum ReminderError: Error { case exploded }
    }

    /// A manual clock and the wall clock it drives, from a fixed start.
    struct Time: Sendable {
        let clock = ManualClock()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var now: @Sendable () -> Date {
            { [clock, start] in start.addingTimeInterval(clock.now.timeInterval) }
        }
    }

    static func harness(
        _ platform: ScriptedPlatform, _ time: Time, databasePath: String,
        plugin: ReminderPlugin = ReminderPlugin(configuration: .init(), bot: .test)
    ) -> TenantHarness {
        TenantHarness(
            platform: platform, plugins: [plugin],
            databasePath: databasePath, clock: time.clock, now: time.now)
    }

    static func fired(in harness: TenantHarness) async throws -> [String] {
        try await harness.openStore().read { db in try String.fetchAll(db, sql: "SELECT text FROM fired ORDER BY id") }
    }

    static func jobCount(in harness: TenantHarness) async throws -> Int {
        try await harness.openStore().read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scheduled_jobs") ?? 0 }
    }

    /// Waits until the job timer sleeps until `deadline` on the manual clock, so that moving the
    /// clock cannot race the timer's own reading of it. Bounded by the suite's time limit.
    static func waitForTimer(_ clock: ManualClock, at deadline: Duration) async {
        // Stored times keep milliseconds, so a deadline read back from the table may be a hair off.
        await clock.waitForNextDeadline(deadline, tolerance: .milliseconds(1))
    }

    /// Runs a bot that schedules "tea" an hour ahead, stops it, moves the clock by `downtime`
    /// and returns the harness of its next run, not started yet.
    static func teaReminderRestarted(after downtime: Duration) async throws
        -> (time: Time, platform: ScriptedPlatform, restarted: TenantHarness)
    {
        let time = Time()
        let platform = ScriptedPlatform()
        let path = TenantHarness.temporaryDatabase()
        try await harness(platform, time, databasePath: path).running {
            platform.send(chat: 7, text: "remind 3600 tea")
            _ = try await platform.waitForPerformed(1)
        }
        time.clock.advance(by: downtime)
        return (time, platform, harness(platform, time, databasePath: path))
    }

    @Test("a job fires once when the clock reaches it, in its chat; rescheduling moves it, cancelling removes it")
    func firesWhenDue() async throws {
        let time = Time()
        let platform = ScriptedPlatform()
        let harness = Self.harness(platform, time, databasePath: TenantHarness.temporaryDatabase())
        try await harness.running {
            platform.send(chat: 7, text: "remind 3600 tea")
            platform.send(chat: 7, text: "remind 7200 coffee")
            platform.send(chat: 8, text: "remind 60 water")
            platform.send(chat: 8, text: "cancel")
            _ = try await platform.waitForPerformed(4)
            await Self.waitForTimer(time.clock, at: .seconds(60))

            time.clock.advance(by: .seconds(3600))
            await Self.waitForTimer(time.clock, at: .seconds(3660))
            time.clock.advance(by: .seconds(3599))
            await Self.waitForTimer(time.clock, at: .seconds(7200))
            #expect(platform.performed.count == 4, "nothing is due before 7200 s: tea was moved, water cancelled")

            time.clock.advance(by: .seconds(1))
            let performed = try await platform.waitForPerformed(5)
            #expect(performed.last == .init(chatID: 7, text: "⏰ coffee"))
            // A job's row goes in the commit that queues its reply, so the reply proves it gone.
            #expect(try await Self.jobCount(in: harness) == 0)
        }
        #expect(platform.performed.count == 5)
        #expect(try await Self.fired(in: harness) == ["coffee"], "it ran once, and its job is gone")
    }

    @Test("a job survives a restart: one that came due while the bot was down fires at start, once")
    func survivesRestart() async throws {
        let (_, platform, second) = try await Self.teaReminderRestarted(after: .seconds(7200))
        try await second.running {
            _ = try await platform.waitForPerformed(2)
        }
        #expect(platform.performed.map(\.text) == ["ok", "⏰ tea"])
        #expect(try await Self.fired(in: second) == ["tea"])
        #expect(try await Self.jobCount(in: second) == 0, "it cannot run again")
    }

    @Test("a job not yet due at a restart fires when it comes due, with no update to wake the timer")
    func survivesRestartNotYetDue() async throws {
        let (time, platform, second) = try await Self.teaReminderRestarted(after: .seconds(3590))
        try await second.running {
            // Start-up read the job's time: the timer sleeps until it, without a look of its own.
            await Self.waitForTimer(time.clock, at: .seconds(3600))
            time.clock.advance(by: .seconds(10))
            _ = try await platform.waitForPerformed(2)
        }
        #expect(platform.performed.map(\.text) == ["ok", "⏰ tea"])
        #expect(try await Self.jobCount(in: second) == 0)
    }

    @Test("a job hours ahead leaves the database closed: each minute the timer reads the clock, not the table")
    func farJobLeavesDatabaseClosed() async throws {
        let time = Time()
        let platform = ScriptedPlatform()
        let databases = OpenDatabases(limit: 4, idleTimeout: .seconds(1))
        let harness = TenantHarness(
            platform: platform, plugins: [ReminderPlugin(configuration: .init(), bot: .test)],
            clock: time.clock, now: time.now, databases: databases)
        try await harness.running {
            platform.send(chat: 7, text: "remind 7200 tea")
            _ = try await platform.waitForPerformed(1)
            await Self.waitForTimer(time.clock, at: .seconds(60))
            // Each minute, close what is idle, then let the timer wake and sleep again: a look at
            // the table would open the database and be closed by the next round. The reply's
            // "sent" mark may open it once.
            var closed = 0
            for minute in 1...5 {
                closed += await databases.closeIdle(now: .now + .seconds(2))
                time.clock.advance(by: .seconds(60))
                await Self.waitForTimer(time.clock, at: .seconds(60 * (minute + 1)))
            }
            closed += await databases.closeIdle(now: .now + .seconds(2))
            #expect(closed <= 1, "the database was opened \(closed) times in five minutes")
        }
        #expect(platform.performed.map(\.text) == ["ok"])
    }

    @Test("a job that schedules its own key again runs again: a repeating job")
    func repeats() async throws {
        let time = Time()
        let platform = ScriptedPlatform()
        let harness = Self.harness(platform, time, databasePath: TenantHarness.temporaryDatabase())
        try await harness.running {
            platform.send(chat: 7, text: "remind 10 again")
            _ = try await platform.waitForPerformed(1)
            await Self.waitForTimer(time.clock, at: .seconds(10))
            time.clock.advance(by: .seconds(10))
            _ = try await platform.waitForPerformed(2)
            await Self.waitForTimer(time.clock, at: .seconds(20))
            time.clock.advance(by: .seconds(10))
            _ = try await platform.waitForPerformed(3)
            #expect(try await Self.jobCount(in: harness) == 0)
        }
        #expect(platform.performed.map(\.text) == ["ok", "⏰ again", "⏰ last"])
    }

    @Test("a job whose plugin throws is dropped with the error kept, and never runs again")
    func failingJob() async throws {
        let time = Time()
        let platform = ScriptedPlatform()
        let plugin = ReminderPlugin(configuration: .init(), bot: .test)
        let harness = Self.harness(platform, time, databasePath: TenantHarness.temporaryDatabase(), plugin: plugin)
        try await harness.running {
            platform.send(chat: 7, text: "remind 10 boom")
            _ = try await platform.waitForPerformed(1)
            await Self.waitForTimer(time.clock, at: .seconds(10))
            time.clock.advance(by: .seconds(10))
            await plugin.explosions.wait(atLeast: 1)
            // The job is in its chat's lane, being dropped: the lane finishes that before this later message.
            platform.send(chat: 7, text: "remind 10 after")
            _ = try await platform.waitForPerformed(2)
            await Self.waitForTimer(time.clock, at: .seconds(20))
            time.clock.advance(by: .seconds(10))
            _ = try await platform.waitForPerformed(3)
        }
        #expect(platform.performed.map(\.text) == ["ok", "ok", "⏰ after"])
        #expect(try await Self.jobCount(in: harness) == 0)
        #expect(try await harness.openStore().status().lastError?.contains("exploded") == true)
    }
}
