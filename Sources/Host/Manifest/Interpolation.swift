import Foundation

/// Expands `${VAR}` and `${VAR:-default}` from the environment in a manifest value; `$$` is a
/// literal dollar. An unset variable without a default is an error naming it.
struct Interpolation: Sendable {
    let environment: [String: String]

    /// The expanded text.
    ///
    /// - Throws: A message naming the first unset variable, or an unclosed `${`.
    func expand(_ text: String) throws(InterpolationError) -> String {
        guard text.contains("$") else { return text }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
            } else if text[next] == "{" {
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw InterpolationError(message: "unclosed '${' in '\(text)'; write '$$' for a literal dollar")
                }
                let body = text[text.index(after: next)..<close]
                let (name, fallback) = Self.split(body)
                if let value = environment[name], !(fallback != nil && value.isEmpty) {
                    output += value
                } else if let fallback {
                    output += fallback
                } else {
                    throw InterpolationError(message: "\(name) is not set; export it or use ${\(name):-default}")
                }
                index = text.index(after: close)
            } else {
                output.append(character)
                index = next
            }
        }
        return output
    }

    private static func split(_ body: Substring) -> (String, String?) {
        guard let range = body.range(of: ":-") else { return (String(body), nil) }
        return (String(body[..<range.lowerBound]), String(body[range.upperBound...]))
    }
}

/// A failed `${…}` expansion.
struct InterpolationError: Error {
    var message: String
}
