/// How long retention keeps rows, as manifests write it: a whole number of hours, days or
/// weeks (`12h`, `30d`, `4w`), at most 3650 days.
enum RetentionDuration {
    /// The longest a retention may be.
    static let longest = Duration.seconds(3_650 * 86_400)

    /// `text` as a duration, or what is wrong with it.
    static func parse(_ text: String) -> Result<Duration, RetentionDurationError> {
        let bytes = Array(text.utf8)
        guard let unit = bytes.last, (2...7).contains(bytes.count),
            bytes.dropLast().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let number = Int(String(decoding: bytes.dropLast(), as: UTF8.self))
        else { return .failure(.notADuration) }
        let hours: Int
        switch unit {
        case UInt8(ascii: "h"): hours = number
        case UInt8(ascii: "d"): hours = number * 24
        case UInt8(ascii: "w"): hours = number * 24 * 7
        default: return .failure(.notADuration)
        }
        let duration = Duration.seconds(hours * 3_600)
        guard hours > 0 else { return .failure(.zero) }
        guard duration <= longest else { return .failure(.tooLong) }
        return .success(duration)
    }

    /// `duration` as manifests write it: weeks, days or hours, whichever is whole and largest.
    static func text(_ duration: Duration) -> String {
        let hours = Int(duration.components.seconds / 3_600)
        if hours % (24 * 7) == 0 { return "\(hours / (24 * 7))w" }
        if hours % 24 == 0 { return "\(hours / 24)d" }
        return "\(hours)h"
    }
}

/// Why a retention duration was refused.
enum RetentionDurationError: Error, Equatable {
    /// Not `<number><h|d|w>`.
    case notADuration
    /// Zero.
    case zero
    /// Over ``RetentionDuration/longest``.
    case tooLong

    /// What to write instead.
    var message: String {
        switch self {
        case .notADuration: "not a duration; write a whole number of hours, days or weeks (12h, 30d, 4w)"
        case .zero: "must be longer than nothing; write at least 1h"
        case .tooLong: "is longer than 3650 days; write at most 3650d"
        }
    }
}
