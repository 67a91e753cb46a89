import Foundation

/// The times `aviary restore --at` accepts: ISO 8601 (`2026-12-07T14:30:00Z`, fractional
/// seconds and a zone offset optional, UTC without one), or just a date (`2026-12-07`, its
/// midnight in UTC). At most 64 characters.
enum SnapshotTime {
    /// `text` as a moment, or an error naming what is accepted.
    static func parse(_ text: String) -> Result<Date, HostError> {
        let refusal = HostError(
            "--at: '\(Problem.excerpt(text))' is not a time; write it as 2026-12-07T14:30:00Z (or a date, 2026-12-07)"
        )
        guard text.utf8.count <= 64, text.allSatisfy(\.isASCII) else { return .failure(refusal) }
        let zoned = text.count == 10 ? text + "T00:00:00Z" : text
        let withZone =
            zoned.hasSuffix("Z") || zoned.dropFirst(19).contains(where: { $0 == "+" || $0 == "-" })
            ? zoned : zoned + "Z"
        for style in [
            Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle(),
        ] {
            if let date = try? style.parse(withZone) { return .success(date) }
        }
        return .failure(refusal)
    }

    /// `date` in ISO 8601, UTC.
    static func text(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
