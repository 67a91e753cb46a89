import Foundation

/// A person's calendar day, by which their daily likes reset.
enum LocalDay {
    /// `2026-12-03`: the day `date` falls on in `zone`.
    static func key(for date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let day = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
    }
}
