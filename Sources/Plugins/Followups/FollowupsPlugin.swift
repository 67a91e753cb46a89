import Foundation
public import Tenant
public import GRDB

/// Writes first when a person has gone quiet: conversation starters and follow-ups after
/// `after_hours` of silence, at most `max_per_day` per person per local day, never during
/// their quiet hours, and never to someone who blocked the bot or sent `/stop`.
/// Settings: ``FollowupsConfiguration``.
///
/// - Every message or button press in a private chat (also one another plugin answered) moves
///   the person's follow-up to `after_hours` from now, out of their quiet hours, through the
///   host's scheduler, so it survives restarts and is sent once.
/// - When it is due: inside quiet hours it waits for their end; over the day's limit it waits
///   for the person's next local day; otherwise the next text goes out (a starter first after a
///   silence, then the messages in turn) and, until `max_unanswered` went unanswered in a row,
///   the next follow-up is scheduled.
/// - `/stop` ends follow-ups for the person; `/start` resumes them. `/timezone Europe/Berlin`
///   sets the person's own time zone (the bot's `time_zone` otherwise).
public struct FollowupsPlugin: Plugin {
    /// The settings type.
    public typealias Configuration = FollowupsConfiguration

    /// `followups`.
    public static let name = "followups"

    /// The plugin's table of people.
    public static var migrations: [PluginMigration] { FollowupPerson.migrations }

    /// The scheduler key of a person's next follow-up.
    static let jobKey = "followup"

    private let configuration: FollowupsConfiguration
    private let locale: String?

    /// Creates the plugin, checking the settings now.
    ///
    /// - Throws: ``PluginConfigurationError`` naming the setting that is wrong.
    public init(configuration: FollowupsConfiguration, bot: BotDescriptor) throws {
        try configuration.validate()
        self.configuration = configuration
        self.locale = bot.locale
    }

    /// Messages and button presses, to notice that a person is there.
    public var interests: Set<UpdateKind> { [.message, .callbackQuery] }

    /// It sees every update: a person who talks to another plugin is not silent.
    public var observesHandledUpdates: Bool { true }

    /// Answers its commands and moves the person's next follow-up; passes everything else.
    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let person = update.sender, (update.chat?.kind ?? .private) == .private, !person.isBot else {
            return .passed
        }
        let language = person.languageCode
        var row = try await context.storage.read { db in try FollowupPerson.fetch(person.id, in: db) }
            ?? FollowupPerson(userID: person.id)
        let command = update.message?.command

        switch command?.name {
        case configuration.stopCommand:
            row.stopped = true
            save(row, context: context)
            context.cancelSchedule(Self.jobKey, chatID: person.id)
            context.reply(text(configuration.texts.stopped, language))
            return .handled
        case configuration.timezoneCommand:
            try await setTimeZone(command?.arguments ?? "", of: person, language: language, context: context)
            return .handled
        case "start" where row.stopped:
            row.stopped = false
            context.reply(text(configuration.texts.resumed, language))
        default:
            if row.stopped { return .passed }
        }
        row.unanswered = 0
        save(row, context: context)
        let timeZone = try await context.timeZone(ofUser: person.id)
        context.schedule(Self.jobKey, at: allowed(context.now.addingTimeInterval(silence), timeZone), chatID: person.id)
        return .passed
    }

    /// Erases the person's row, their `/stop` included; the host erases their scheduled follow-up.
    public func forget(userID: Int64, in db: Database) throws {
        try FollowupPerson.delete(userID, in: db)
    }

    /// The person's row, their `/stop` included; the host exports their scheduled follow-up.
    public func export(userID: Int64, in db: Database) throws -> PersonData {
        try FollowupPerson.export(userID, in: db)
    }

    /// Sends the person's follow-up if it may go now, or moves it to when it may.
    public func fire(_ job: ScheduledJob, context: PluginContext) async throws {
        let chatID = job.chatID
        let stored = try await context.storage.read { db in try FollowupPerson.fetch(chatID, in: db) }
        guard var row = stored, !row.stopped, row.unanswered < configuration.maxUnanswered,
            try await !context.chatHasBlockedBot(chatID)
        else { return }
        let language = try await context.knownUser(chatID)?.languageCode
        let timeZone = try await context.timeZone(ofUser: chatID)
        let now = context.now
        if let quiet = configuration.quietHours, quiet.contains(now, in: timeZone) {
            context.schedule(Self.jobKey, at: quiet.firstAllowed(atOrAfter: now, in: timeZone), chatID: chatID)
            return
        }
        let calendar = QuietHours.calendar(timeZone)
        let today = Self.day(now, calendar)
        let sentToday = row.sentDay == today ? row.sentToday : 0
        guard sentToday < configuration.maxPerDay else {
            let tomorrow = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: now)) ?? now
            context.schedule(Self.jobKey, at: allowed(tomorrow, timeZone), chatID: chatID)
            return
        }

        let texts = row.unanswered == 0 && !configuration.starters.isEmpty ? configuration.starters : configuration.messages
        context.send(OutgoingMessage(chatID: chatID, text: text(texts[row.sentTotal % texts.count], language)))
        row.sentDay = today
        row.sentToday = sentToday + 1
        row.sentTotal += 1
        row.unanswered += 1
        save(row, context: context)
        if row.unanswered < configuration.maxUnanswered {
            context.schedule(Self.jobKey, at: allowed(now.addingTimeInterval(silence), timeZone), chatID: chatID)
        }
    }

    /// `/timezone NAME`: sets the person's zone, or says how when the name is missing or unknown.
    private func setTimeZone(_ name: String, of person: User, language: String?, context: PluginContext) async throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.contains("/") || trimmed == "UTC", let zone = TimeZone(identifier: trimmed)
        else {
            let current = try await context.timeZone(ofUser: person.id)
            context.reply(text(configuration.texts.timezoneInvalid, language).replacingOccurrences(of: "{zone}", with: current.identifier))
            return
        }
        context.setTimeZone(zone, ofUser: person.id)
        let clock = QuietHours.calendar(zone).dateComponents([.hour, .minute], from: context.now)
        let time = String(format: "%02d:%02d", clock.hour ?? 0, clock.minute ?? 0)
        context.reply(
            text(configuration.texts.timezoneSet, language)
                .replacingOccurrences(of: "{zone}", with: zone.identifier)
                .replacingOccurrences(of: "{time}", with: time))
        if let job = try await context.scheduledJob(Self.jobKey, chatID: person.id) {
            context.schedule(Self.jobKey, at: allowed(job.dueAt, zone), chatID: person.id, payload: job.payload)
        }
    }

    /// The silence before a follow-up.
    private var silence: TimeInterval { configuration.afterHours * 3600 }

    /// `date`, or the end of the quiet hours it falls in.
    private func allowed(_ date: Date, _ timeZone: TimeZone) -> Date {
        configuration.quietHours?.firstAllowed(atOrAfter: date, in: timeZone) ?? date
    }

    private func save(_ row: FollowupPerson, context: PluginContext) {
        context.storage.write { db in try row.save(in: db) }
    }

    private func text(_ text: LocalizedText, _ language: String?) -> String {
        text.resolve(language: language, fallbackLocale: locale)
    }

    /// The local day of `date`, as `2026-12-03`.
    static func day(_ date: Date, _ calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
