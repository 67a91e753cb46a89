public import Foundation

/// A daily window in a person's own time zone when nothing is sent, such as `23:00-09:00`.
///
/// The window may cross midnight. The start is inside it, the end is not.
public struct QuietHours: Sendable, Equatable, Decodable {
    /// Minutes after midnight when the window opens.
    public var start: Int
    /// Minutes after midnight when it closes.
    public var end: Int

    /// Creates a window from minutes after midnight; the two must differ.
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Reads `HH:MM-HH:MM`; `nil` for anything else or an empty window.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start != end
        else { return nil }
        self.init(start: start, end: end)
    }

    /// Decodes `"23:00-09:00"`, with a message that shows the form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let hours = QuietHours(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is not a window of quiet hours; write it as 23:00-09:00 (24-hour clock, two different times)")
        }
        self = hours
    }

    /// Whether `date` falls inside the window in `timeZone`.
    public func contains(_ date: Date, in timeZone: TimeZone) -> Bool {
        let parts = Self.calendar(timeZone).dateComponents([.hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        return start < end ? (start..<end).contains(minute) : (minute >= start || minute < end)
    }

    /// The first moment at or after `date` outside the window: `date` itself, or the window's end.
    public func firstAllowed(atOrAfter date: Date, in timeZone: TimeZone) -> Date {
        guard contains(date, in: timeZone) else { return date }
        let wake = DateComponents(hour: end / 60, minute: end % 60, second: 0)
        return Self.calendar(timeZone).nextDate(after: date, matching: wake, matchingPolicy: .nextTime) ?? date
    }

    /// A Gregorian calendar in `timeZone`.
    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// `HH:MM` → minutes after midnight.
    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }
}
