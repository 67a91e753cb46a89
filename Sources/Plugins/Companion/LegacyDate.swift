import Foundation

/// Dates as the old assistant wrote them: ISO 8601 (`2024-03-01T18:30:00Z`, with or without
/// fractional seconds or a zone), `2024-03-01 18:30:00` (UTC), or Unix seconds or milliseconds.
enum LegacyDate {
    /// The date in `value`, or `nil` when it holds none of the accepted forms.
    static func parse(_ value: Any?) -> Date? {
        if let number = value as? NSNumber {
            let seconds = number.doubleValue
            return Date(timeIntervalSince1970: seconds > 100_000_000_000 ? seconds / 1000 : seconds)
        }
        guard let text = (value as? String)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text) { return parse(NSNumber(value: seconds)) }
        for format in formats {
            if let date = formatter(format).date(from: text) { return date }
        }
        return nil
    }

    private static let formats = [
        "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXXXX",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
    ]

    /// A fresh formatter (imports are rare; no shared formatter lock).
    private static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }
}
