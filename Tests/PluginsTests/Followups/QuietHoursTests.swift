import Foundation
import Plugins
import Testing

@Suite("Quiet hours")
struct QuietHoursTests {
    static let moscow = TimeZone(identifier: "Europe/Moscow")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    /// 2027-01-15 08:00 UTC: 11:00 in Moscow, 09:00 in Berlin.
    static let morning = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("HH:MM-HH:MM parses; other forms and empty windows do not", arguments: [
        ("23:00-09:00", QuietHours(start: 1380, end: 540)), ("22:30 - 07:15", QuietHours(start: 1350, end: 435)),
        ("9:00-17:00", QuietHours(start: 540, end: 1020)),
    ])
    func parses(text: String, expected: QuietHours) {
        #expect(QuietHours(parsing: text) == expected)
    }

    @Test("nonsense is refused", arguments: ["", "23:00", "24:00-09:00", "23:00-09:60", "09:00-09:00", "23-9", "a:b-c:d"])
    func refuses(text: String) {
        #expect(QuietHours(parsing: text) == nil)
    }

    @Test("a window across midnight holds its start, not its end, in the person's zone")
    func contains() {
        let quiet = QuietHours(parsing: "23:00-09:00")!
        #expect(!quiet.contains(Self.morning, in: Self.moscow), "11:00 in Moscow")
        #expect(quiet.contains(Self.morning.addingTimeInterval(-1), in: Self.berlin), "08:59:59 in Berlin")
        #expect(!quiet.contains(Self.morning, in: Self.berlin), "09:00 in Berlin: the end is outside")
        #expect(quiet.contains(Self.morning.addingTimeInterval(12 * 3600), in: Self.moscow), "23:00 in Moscow")
        #expect(quiet.contains(Self.morning.addingTimeInterval(15 * 3600), in: Self.moscow), "02:00 in Moscow")
        let day = QuietHours(parsing: "12:00-14:00")!
        #expect(day.contains(Self.morning.addingTimeInterval(2 * 3600), in: Self.moscow), "13:00 in Moscow")
        #expect(!day.contains(Self.morning, in: Self.moscow))
    }

    @Test("the first allowed moment is the date itself outside the window, else the window's end")
    func firstAllowed() {
        let quiet = QuietHours(parsing: "23:00-09:00")!
        #expect(quiet.firstAllowed(atOrAfter: Self.morning, in: Self.moscow) == Self.morning)
        let lateEvening = Self.morning.addingTimeInterval(12 * 3600 + 30 * 60)  // 23:30 in Moscow
        #expect(
            quiet.firstAllowed(atOrAfter: lateEvening, in: Self.moscow) == Self.morning.addingTimeInterval(22 * 3600),
            "09:00 the next morning in Moscow")
        let earlyMorning = Self.morning.addingTimeInterval(-2 * 3600)  // 07:00 in Berlin
        #expect(quiet.firstAllowed(atOrAfter: earlyMorning, in: Self.berlin) == Self.morning, "09:00 the same day")
    }
}
