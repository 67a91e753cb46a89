import Foundation
import Tenant

/// The `followups` plugin's settings.
///
/// ```yaml
/// - followups:
///     after_hours: 24              # silence before a follow-up
///     max_per_day: 1               # follow-ups per person per local day
///     max_unanswered: 3            # in a row without an answer; then wait for the person
///     quiet_hours: "23:00-09:00"   # in the person's time zone; omit for the default, "off" for none
///     starters:                    # the first message after a silence (optional)
///       - { ru: "Как прошёл день?", en: "How was your day?" }
///     messages:                    # the ones after it, in turn
///       - { ru: "Я тут, если захотите поговорить.", en: "I'm here if you want to talk." }
///     stop_command: stop           # /stop ends follow-ups for the person; /start resumes them
///     timezone_command: timezone   # /timezone Europe/Berlin sets the person's own zone
///     texts:                       # what the commands answer (defaults in English and Russian)
///       stopped: "…"
///       resumed: "…"
///       timezone_set: "Time zone: {zone}. Your local time is {time}."
///       timezone_invalid: "…"
/// ```
public struct FollowupsConfiguration: Decodable, Sendable, Equatable {
    /// Hours of silence before a follow-up.
    public var afterHours: Double
    /// Follow-ups per person per local day.
    public var maxPerDay: Int
    /// Follow-ups in a row without an answer before the plugin waits for the person to write.
    public var maxUnanswered: Int
    /// The window when nothing is sent, in the person's time zone; `nil` for none.
    public var quietHours: QuietHours?
    /// Texts for the first follow-up after a silence; `messages` when empty.
    public var starters: [LocalizedText]
    /// Texts for the follow-ups, used in turn.
    public var messages: [LocalizedText]
    /// The command that stops follow-ups for the person (`stop`).
    public var stopCommand: String
    /// The command that sets the person's time zone (`timezone`).
    public var timezoneCommand: String
    /// What the commands answer.
    public var texts: Texts

    /// What the plugin's commands answer; each text may be a map of locale to text.
    public struct Texts: Decodable, Sendable, Equatable {
        /// The answer to the stop command.
        public var stopped = LocalizedText(localized: [
            "en": "Done: I will not write first any more. Send /start if you change your mind.",
            "ru": "Хорошо, больше не буду писать первым. Если передумаете, отправьте /start.",
        ])
        /// The answer to `/start` from someone who had stopped follow-ups.
        public var resumed = LocalizedText(localized: [
            "en": "Welcome back! I may write to you again now and then.",
            "ru": "С возвращением! Иногда я снова буду писать первым.",
        ])
        /// The answer to a valid time zone; `{zone}` and `{time}` are filled in.
        public var timezoneSet = LocalizedText(localized: [
            "en": "Time zone set to {zone}. Your local time is {time}.",
            "ru": "Часовой пояс: {zone}. У вас сейчас {time}.",
        ])
        /// The answer to a missing or unknown time zone; `{zone}` is the current one.
        public var timezoneInvalid = LocalizedText(localized: [
            "en": "Your time zone is {zone}. To change it, send a name such as /timezone Europe/Berlin.",
            "ru": "Ваш часовой пояс: {zone}. Чтобы сменить, отправьте, например, /timezone Europe/Moscow.",
        ])

        enum CodingKeys: String, CodingKey, CaseIterable {
            case stopped, resumed
            case timezoneSet = "timezone_set"
            case timezoneInvalid = "timezone_invalid"
        }

        /// The defaults.
        public init() {}

        /// Decodes the texts given; the others keep their defaults.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            stopped = try container.decodeIfPresent(LocalizedText.self, forKey: .stopped) ?? stopped
            resumed = try container.decodeIfPresent(LocalizedText.self, forKey: .resumed) ?? resumed
            timezoneSet = try container.decodeIfPresent(LocalizedText.self, forKey: .timezoneSet) ?? timezoneSet
            timezoneInvalid =
                try container.decodeIfPresent(LocalizedText.self, forKey: .timezoneInvalid) ?? timezoneInvalid
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case afterHours = "after_hours"
        case maxPerDay = "max_per_day"
        case maxUnanswered = "max_unanswered"
        case quietHours = "quiet_hours"
        case starters, messages
        case stopCommand = "stop_command"
        case timezoneCommand = "timezone_command"
        case texts
    }

    /// The default quiet hours, 23:00 to 09:00.
    public static let defaultQuietHours = QuietHours(start: 23 * 60, end: 9 * 60)

    /// Creates a configuration; `messages` is required, everything else has a default.
    public init(
        afterHours: Double = 24, maxPerDay: Int = 1, maxUnanswered: Int = 3,
        quietHours: QuietHours? = FollowupsConfiguration.defaultQuietHours, starters: [LocalizedText] = [],
        messages: [LocalizedText], stopCommand: String = "stop", timezoneCommand: String = "timezone",
        texts: Texts = Texts()
    ) {
        self.afterHours = afterHours
        self.maxPerDay = maxPerDay
        self.maxUnanswered = maxUnanswered
        self.quietHours = quietHours
        self.starters = starters
        self.messages = messages
        self.stopCommand = stopCommand
        self.timezoneCommand = timezoneCommand
        self.texts = texts
    }

    /// Decodes the settings; only `messages` is required. `quiet_hours: off` turns them off.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FollowupsConfiguration(messages: [])
        if (try? container.decodeIfPresent(String.self, forKey: .quietHours)).flatMap({ $0 }) == "off" {
            quietHours = nil
        } else {
            quietHours = try container.decodeIfPresent(QuietHours.self, forKey: .quietHours) ?? defaults.quietHours
        }
        afterHours = try container.decodeIfPresent(Double.self, forKey: .afterHours) ?? defaults.afterHours
        maxPerDay = try container.decodeIfPresent(Int.self, forKey: .maxPerDay) ?? defaults.maxPerDay
        maxUnanswered = try container.decodeIfPresent(Int.self, forKey: .maxUnanswered) ?? defaults.maxUnanswered
        starters = try container.decodeIfPresent([LocalizedText].self, forKey: .starters) ?? []
        messages = try container.decode([LocalizedText].self, forKey: .messages)
        stopCommand = try container.decodeIfPresent(String.self, forKey: .stopCommand) ?? defaults.stopCommand
        timezoneCommand =
            try container.decodeIfPresent(String.self, forKey: .timezoneCommand) ?? defaults.timezoneCommand
        texts = try container.decodeIfPresent(Texts.self, forKey: .texts) ?? Texts()
    }

    /// Checks ranges, commands and texts, naming the setting that is wrong.
    public func validate() throws {
        guard afterHours >= 0.25, afterHours <= 24 * 30 else {
            throw PluginConfigurationError(
                key: "after_hours", "\(afterHours) is out of range; write 0.25 (15 minutes) to 720 (30 days)")
        }
        guard (1...24).contains(maxPerDay) else {
            throw PluginConfigurationError(key: "max_per_day", "\(maxPerDay) is out of range; write 1 to 24")
        }
        guard (1...100).contains(maxUnanswered) else {
            throw PluginConfigurationError(key: "max_unanswered", "\(maxUnanswered) is out of range; write 1 to 100")
        }
        guard !messages.isEmpty else {
            throw PluginConfigurationError(key: "messages", "the list is empty; give at least one follow-up text")
        }
        for (name, command) in [("stop_command", stopCommand), ("timezone_command", timezoneCommand)] {
            guard RepliesConfiguration.isCommandName(command) else {
                throw PluginConfigurationError(
                    key: name, "'\(command)' is not a valid command name; use 1–32 of a-z, 0-9 and _ without the slash")
            }
        }
        guard stopCommand != timezoneCommand else {
            throw PluginConfigurationError(key: "timezone_command", "it is the same as stop_command; give each its own")
        }
        for (index, text) in starters.enumerated() { try text.validate(at: "starters[\(index)]") }
        for (index, text) in messages.enumerated() { try text.validate(at: "messages[\(index)]") }
        try texts.stopped.validate(at: "texts.stopped")
        try texts.resumed.validate(at: "texts.resumed")
        try texts.timezoneSet.validate(at: "texts.timezone_set")
        try texts.timezoneInvalid.validate(at: "texts.timezone_invalid")
    }
}
