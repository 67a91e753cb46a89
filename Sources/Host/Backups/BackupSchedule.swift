import Foundation

/// When scheduled backups run: at a time of day in a time zone, or at an interval.
enum BackupSchedule: Sendable, Equatable {
    /// Every day at `hour:minute` in `timeZone` (a time a clock change skips runs at the next
    /// time that exists).
    case daily(hour: Int, minute: Int, timeZone: TimeZone)
    /// Every `interval`, the first one interval after start.
    case every(Duration)

    /// The first run after `date`.
    func next(after date: Date) -> Date {
        switch self {
        case .every(let interval):
            return date.addingTimeInterval(TimeInterval(interval.components.seconds))
        case .daily(let hour, let minute, let timeZone):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return calendar.nextDate(
                after: date,
                matching: DateComponents(hour: hour, minute: minute, second: 0),
                matchingPolicy: .nextTime
            ) ?? date.addingTimeInterval(86_400)
        }
    }

    /// The zone days and weeks are counted in for keeping snapshots (UTC for intervals).
    var timeZone: TimeZone {
        if case .daily(_, _, let timeZone) = self { return timeZone }
        return TimeZone(identifier: "UTC")!
    }

    /// `HH:MM` (24-hour, two digits each) as hour and minute; `nil` for anything else.
    static func timeOfDay(_ text: String) -> (Int, Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
            bytes.enumerated().allSatisfy({ $0.offset == 2 || (48...57).contains($0.element) })
        else { return nil }
        let hour = Int(bytes[0] - 48) * 10 + Int(bytes[1] - 48)
        let minute = Int(bytes[3] - 48) * 10 + Int(bytes[4] - 48)
        guard hour < 24, minute < 60 else { return nil }
        return (hour, minute)
    }
}

/// Which snapshots of one bot in one destination a schedule keeps: the newest of each of the
/// last `daily` days that have one, the newest of each of the last `weekly` ISO weeks that have
/// one, and always the newest of all.
enum BackupKeeping {
    /// The names to keep among `entries`.
    static func kept(_ entries: [CatalogEntry], daily: Int, weekly: Int, timeZone: TimeZone) -> Set<String> {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let newestFirst = entries.sorted { ($0.snapshotName?.milliseconds ?? 0) > ($1.snapshotName?.milliseconds ?? 0) }
        var kept = Set(newestFirst.prefix(1).map(\.name))
        func keepNewest(per component: (Date) -> DateComponents, count: Int) {
            var seen = Set<DateComponents>()
            for entry in newestFirst {
                guard let date = entry.snapshotName?.takenAt else { continue }
                let bucket = component(date)
                if seen.contains(bucket) { continue }
                guard seen.count < count else { break }
                seen.insert(bucket)
                kept.insert(entry.name)
            }
        }
        keepNewest(per: { calendar.dateComponents([.year, .month, .day], from: $0) }, count: daily)
        keepNewest(per: { calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: $0) }, count: weekly)
        return kept
    }
}
