import Foundation
import Plugins
import Testing
import Tenant
import Storage
import GRDB

@Suite("Followups plugin", .timeLimit(.minutes(5)))
struct FollowupsPluginTests {
    static let moscow = TimeZone(identifier: "Europe/Moscow")!
    static let bot = BotDescriptor(id: "han", name: "Han", locale: "en", timeZone: moscow)
    /// 2027-01-15 08:00 UTC, 11:00 in Moscow.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let settings = FollowupsConfiguration(
        afterHours: 12, maxPerDay: 1, maxUnanswered: 2, starters: [LocalizedText("How was your day?")],
        messages: [LocalizedText("Still here."), LocalizedText("Ping.")])

    static func harness(_ settings: FollowupsConfiguration = settings) async throws -> PluginHarness<FollowupsPlugin> {
        try await PluginHarness<FollowupsPlugin>(configuration: settings, bot: bot, now: start)
    }

    /// The waiting follow-up of Alice's chat, if any.
    static func job(_ harness: PluginHarness<FollowupsPlugin>) async throws -> ScheduledJob? {
        try await harness.store.read { db in
            try Row.fetchOne(
                db, sql: "SELECT due_at, payload FROM scheduled_jobs WHERE plugin = 'followups' AND chat_id = ?",
                arguments: [User.alice.id]
            ).map { row in ScheduledJob(chatID: User.alice.id, key: "followup", dueAt: row["due_at"], payload: row["payload"]) }
        }
    }

    static func hours(_ hours: Double) -> Date { start.addingTimeInterval(hours * 3600) }

    @Test("a message moves the follow-up to after the silence, out of the person's quiet hours; it passes on")
    func schedules() async throws {
        let harness = try await Self.harness()
        let outcome = try await harness.handle(Updates.message("hi"))
        #expect(outcome.disposition == .passed)
        #expect(outcome.actions.isEmpty)
        // 11:00 + 12 h = 23:00 in Moscow, quiet until 09:00 the next morning.
        #expect(try await Self.job(harness)?.dueAt == Self.hours(22))

        var later = harness
        later.now = Self.hours(23)  // 10:00 the next day
        _ = try await later.handle(Updates.message("still there?"))
        #expect(try await Self.job(harness)?.dueAt == Self.hours(35), "moved to 22:00: one job per person")
        let jobs = try await harness.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scheduled_jobs") }
        #expect(jobs == 1)
    }

    @Test("due follow-ups: the starter first, then the messages in turn; max per local day; max unanswered in a row")
    func sends() async throws {
        var harness = try await Self.harness()
        _ = try await harness.handle(Updates.message("hi"))

        harness.now = Self.hours(22)  // 09:00 in Moscow
        var outcome = try await harness.fire(try #require(try await Self.job(harness)))
        #expect(outcome.sentTexts == ["How was your day?"])
        #expect(try await Self.job(harness)?.dueAt == Self.hours(34), "21:00 in Moscow, after the silence")

        harness.now = Self.hours(34)
        outcome = try await harness.fire(try #require(try await Self.job(harness)))
        #expect(outcome.sentTexts.isEmpty, "one a day: the day's follow-up went out this morning")
        #expect(try await Self.job(harness)?.dueAt == Self.hours(46), "09:00 the next day: midnight is quiet")

        harness.now = Self.hours(46)
        outcome = try await harness.fire(try #require(try await Self.job(harness)))
        #expect(outcome.sentTexts == ["Ping."])
        #expect(try await Self.job(harness) == nil, "two unanswered in a row: it waits for the person")

        harness.now = Self.hours(47)
        _ = try await harness.handle(Updates.message("sorry, busy week"))
        #expect(try await Self.job(harness)?.dueAt == Self.hours(59), "an answer starts it over")
    }

    @Test("/stop ends follow-ups, messages do not bring them back, /start does")
    func stops() async throws {
        let harness = try await Self.harness()
        _ = try await harness.handle(Updates.message("hi"))
        let stopped = try await harness.handle(Updates.message("/stop"))
        #expect(stopped.disposition == .handled)
        #expect(stopped.sentTexts.first?.hasPrefix("Done: I will not write first") == true)
        #expect(try await Self.job(harness) == nil)

        _ = try await harness.handle(Updates.message("hello again"))
        #expect(try await Self.job(harness) == nil)
        let fired = try await harness.fire(ScheduledJob(chatID: User.alice.id, key: "followup", dueAt: Self.start))
        #expect(fired.actions.isEmpty, "a job left over from before /stop sends nothing")

        let resumed = try await harness.handle(Updates.message("/start"))
        #expect(resumed.disposition == .passed, "/start stays for the plugin that greets")
        #expect(resumed.sentTexts.first?.hasPrefix("Welcome back") == true)
        #expect(try await Self.job(harness) != nil)
    }

    @Test("a due follow-up speaks the person's language as the host last saw it")
    func language() async throws {
        var settings = Self.settings
        settings.starters = [LocalizedText(localized: ["en": "How was your day?", "ru": "Как прошёл день?"])]
        var harness = try await Self.harness(settings)
        _ = try await harness.handle(Updates.message("привет"))
        try await harness.store.write { db in
            try UserRecord(id: User.alice.id, isBot: false, firstName: "Alice", lastName: nil, username: nil,
                           languageCode: "ru", firstSeen: Self.start, lastSeen: Self.start)
                .insert(db, onConflict: .replace)
        }
        harness.now = Self.hours(22)
        let fired = try await harness.fire(try #require(try await Self.job(harness)))
        #expect(fired.sentTexts == ["Как прошёл день?"])
    }

    @Test("forgetting a person erases their row, /stop included, and their waiting follow-up")
    func forget() async throws {
        let harness = try await Self.harness()
        _ = try await harness.handle(Updates.message("hi"))
        _ = try await harness.handle(Updates.message("/timezone Asia/Tokyo"))
        #expect(try await Self.job(harness) != nil)
        let export = try await harness.export(User.alice.id)
        #expect(export.plugins["followups"]?.tables["followups_people"]?.count == 1)
        #expect(export.host.tables["scheduled_jobs"]?.count == 1, "the host shows her waiting follow-up")
        #expect(export.host.tables["user_time_zones"]?.first?["time_zone"] == .text("Asia/Tokyo"))
        try await harness.forget(User.alice.id)
        #expect(try await harness.export(User.alice.id).isEmpty, "the second export is empty")
        #expect(try await Self.job(harness) == nil)
        let left = try await harness.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM followups_people")! +
                Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user_time_zones")!
        }
        #expect(left == 0)
        let fired = try await harness.fire(ScheduledJob(chatID: User.alice.id, key: "followup", dueAt: Self.start))
        #expect(fired.actions.isEmpty, "a job already handed out sends nothing to a forgotten person")
    }

    @Test("/timezone sets the person's zone and moves the waiting follow-up out of the new quiet hours")
    func timeZone() async throws {
        let harness = try await Self.harness()
        _ = try await harness.handle(Updates.message("hi"))
        let set = try await harness.handle(Updates.message("/timezone America/New_York"))
        #expect(set.sentTexts == ["Time zone set to America/New_York. Your local time is 03:00."])
        // 09:00 the next morning in Moscow is 01:00 in New York: quiet until 09:00 there.
        #expect(try await Self.job(harness)?.dueAt == Self.hours(22 + 8))

        let unknown = try await harness.handle(Updates.message("/timezone Mars/Olympus"))
        #expect(unknown.sentTexts == [
            "Your time zone is America/New_York. To change it, send a name such as /timezone Europe/Berlin."
        ])
    }

    @Test("someone who blocked the bot gets nothing")
    func blocked() async throws {
        let harness = try await Self.harness()
        _ = try await harness.handle(Updates.message("hi"))
        try await harness.store.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO chats (id, kind, blocked, first_seen, last_seen)
                    VALUES (?, 'private', 1, 0, 0)
                    """,
                arguments: [User.alice.id])
        }
        var later = harness
        later.now = Self.hours(22)
        let outcome = try await later.fire(try #require(try await Self.job(harness)))
        #expect(outcome.actions.isEmpty)
    }

    @Test("group chats and bots are left alone")
    func privateOnly() async throws {
        let harness = try await Self.harness()
        let outcome = try await harness.handle(Updates.message("hi all", in: .group))
        #expect(outcome.disposition == .passed)
        #expect(try await harness.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scheduled_jobs") } == 0)
    }
}
