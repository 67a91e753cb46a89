/// Expands `${VAR}` and `${VAR:-default}` from the environment in a manifest value; `$$` is a
/// literal dollar. An unset variable without a default is an error naming it.
///
/// As in a shell, `${VAR:-default}` also uses the default when `VAR` is set but empty.
struct Interpolation: Sendable {
    /// Where variables are looked up.
    let environment: [String: String]

    /// An expander reading `environment`.
    init(environment: [String: String]) {
        self.environment = environment
    }

    /// The expanded text.
    ///
    /// - Throws: ``InterpolationError`` naming the first unset variable, or an unclosed `${`.
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
            switch text[next] {
            case "$":
                output.append("$")
                index = text.index(after: next)
            case "{":
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw InterpolationError(
                        message: "unclosed '${'; close it with '}' or write '$$' for a literal dollar"
                    )
                }
                output += try value(of: text[text.index(after: next)..<close])
                index = text.index(after: close)
            default:
                output.append(character)
                index = next
            }
        }
        return output
    }

    private func value(of body: Substring) throws(InterpolationError) -> String {
        let name: Substring
        let fallback: Substring?
        if let colon = body.indices.first(where: { body[$0] == ":" && body[body.index(after: $0)...].hasPrefix("-") }) {
            name = body[..<colon]
            fallback = body[body.index(colon, offsetBy: 2)...]
        } else {
            name = body
            fallback = nil
        }
        guard !name.isEmpty else {
            throw InterpolationError(message: "'${\(body)}' names no variable; write ${NAME} or ${NAME:-default}")
        }
        if let value = environment[String(name)], !(value.isEmpty && fallback != nil) { return value }
        if let fallback { return String(fallback) }
        throw InterpolationError(message: "\(name) is not set; export it or use ${\(name):-default}")
    }
}

/// A failed `${…}` expansion.
struct InterpolationError: Error, Sendable {
    /// What is wrong and what to do.
    var message: String
}
