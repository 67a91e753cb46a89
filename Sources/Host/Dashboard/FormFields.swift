import Foundation
import NIOCore

/// The fields of an `application/x-www-form-urlencoded` body.
struct FormFields: Sendable {
    private let values: [String: String]

    /// The fields of `body`; a field given twice keeps its first value, and a malformed
    /// escape is kept as written rather than refused.
    init(_ body: ByteBuffer) {
        var values: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            if values[name] == nil { values[name] = parts.count > 1 ? Self.decode(parts[1]) : "" }
        }
        self.values = values
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The value of field `name`, if sent.
    subscript(_ name: String) -> String? { values[name] }

    /// The value of field `name` with surrounding blanks removed; `nil` when absent or blank.
    func trimmed(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
