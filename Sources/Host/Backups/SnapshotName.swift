import Foundation

/// A snapshot's name: the bot's id and the moment it was taken, to the millisecond, in UTC
/// (`han-ru-20261207T143000.250Z`). Names sort by time within a bot, and every file of a
/// snapshot is named after it.
///
/// Names are read back from folders anyone may have written to, so parsing accepts only this
/// exact shape: an id as manifests allow it (`[a-z0-9][a-z0-9-]{0,62}`), then a dash, then
/// `YYYYMMDDTHHMMSS.mmmZ` naming a real moment. Anything else is not a snapshot.
struct SnapshotName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The bot the snapshot belongs to.
    let botID: String
    /// When it was taken, in whole milliseconds since 1970.
    let milliseconds: Int64

    /// The most characters a name has: a 63-character id, a dash and the 20-character time.
    static let maximumLength = 63 + 1 + 20

    /// The name of bot `botID`'s snapshot taken at `date` (rounded down to the millisecond).
    init(botID: String, takenAt date: Date) {
        self.botID = botID
        milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Reads a name; `nil` for anything that is not exactly one.
    init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 22, bytes.count <= Self.maximumLength else { return nil }
        let stamp = bytes.suffix(20)
        let id = bytes.prefix(bytes.count - 21)
        guard bytes[bytes.count - 21] == UInt8(ascii: "-"), Self.isBotID(id),
            let milliseconds = Self.milliseconds(of: Array(stamp))
        else { return nil }
        self.botID = String(decoding: id, as: UTF8.self)
        self.milliseconds = milliseconds
    }

    /// When it was taken.
    var takenAt: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    var description: String { "\(botID)-\(stamp)" }

    /// The time part of the name (`20261207T143000.250Z`).
    var stamp: String { stamp(dateSeparator: "", timeSeparator: "") }

    /// When it was taken, as ISO 8601 in UTC with milliseconds (`2026-12-07T14:30:00.250Z`).
    var isoTime: String { stamp(dateSeparator: "-", timeSeparator: ":") }

    private func stamp(dateSeparator: String, timeSeparator: String) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: Double(seconds))
        )
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let date = [String(format: "%04d", parts.year ?? 0), two(parts.month), two(parts.day)]
        let time = [two(parts.hour), two(parts.minute), two(parts.second)]
        return date.joined(separator: dateSeparator) + "T" + time.joined(separator: timeSeparator)
            + "." + String(format: "%03d", Int(milliseconds - seconds * 1000)) + "Z"
    }

    static func < (lhs: SnapshotName, rhs: SnapshotName) -> Bool {
        (lhs.botID, lhs.milliseconds) < (rhs.botID, rhs.milliseconds)
    }

    /// Whether `bytes` is a bot id as manifests allow it.
    static func isBotID(_ bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first, bytes.count <= 63, isLowerOrDigit(first) else { return false }
        return bytes.allSatisfy { isLowerOrDigit($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// `YYYYMMDDTHHMMSS.mmmZ` as milliseconds since 1970, when it names a real moment from
    /// year 1970 on; `nil` otherwise.
    private static func milliseconds(of stamp: [UInt8]) -> Int64? {
        guard stamp.count == 20, stamp[8] == UInt8(ascii: "T"), stamp[15] == UInt8(ascii: "."),
            stamp[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in stamp[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            let millis = number(16..<19), year >= 1970, (1...12).contains(month), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day], from: date)
                == DateComponents(year: year, month: month, day: day)
        else { return nil }
        return Int64(date.timeIntervalSince1970.rounded()) * 1000 + Int64(millis)
    }
}
