/// Expands `${VAR}` and `${VAR:-default}` from the environment in a manifest value; `$$` is a
/// literal dollar. An unset variable without a default is an error naming it.
///
/// As in a shell, `${VAR:-default}` also uses the default when `VAR` is set but empty.
///
/// An expander built with ``refusing(because:)`` reads no environment at all: every `${…}` is an
/// error, so that text from a brand operator learns nothing about the host, not even whether a
/// variable is set.
struct Interpolation: Sendable {
    /// Where variables are looked up.
    let environment: [String: String]
    /// Why `${…}` is refused, when it is.
    private let refusal: String?

    /// An expander reading `environment`.
    init(environment: [String: String]) {
        self.environment = environment
        refusal = nil
    }

    private init(refusal: String) {
        environment = [:]
        self.refusal = refusal
    }

    /// An expander that refuses every `${…}` with `reason`; `$$` is still a dollar.
    static func refusing(because reason: String) -> Interpolation {
        Interpolation(refusal: reason)
    }

    /// The expanded text.
    ///
    /// - Throws: ``InterpolationError`` naming the first unset variable, or an unclosed `${`.
    func expand(_ text: String) throws(InterpolationError) -> String {
        try walk(text) { body throws(InterpolationError) in try value(of: body) }
    }

    /// The environment's values that `text` reads, each with the reference that reads it
    /// (`${HAN_RU_TOKEN}`): what errors and views show instead of the value.
    func environmentValues(in text: String) -> [(value: String, reference: String)] {
        var found: [(value: String, reference: String)] = []
        _ = try? walk(text) { body throws(InterpolationError) in
            let name = Self.split(body).name
            if refusal == nil, let value = environment[String(name)], !value.isEmpty {
                found.append((value, "${\(name)}"))
            }
            return ""
        }
        return found
    }

    /// Copies `text`, turning `$$` into `$` and each `${…}` body into `variable(body)`.
    private func walk(
        _ text: String,
        variable: (Substring) throws(InterpolationError) -> String
    ) throws(InterpolationError) -> String {
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
                output += try variable(text[text.index(after: next)..<close])
                index = text.index(after: close)
            default:
                output.append(character)
                index = next
            }
        }
        return output
    }

    private static func split(_ body: Substring) -> (name: Substring, fallback: Substring?) {
        guard
            let colon = body.indices.first(where: { body[$0] == ":" && body[body.index(after: $0)...].hasPrefix("-") })
        else { return (body, nil) }
        return (body[..<colon], body[body.index(colon, offsetBy: 2)...])
    }

    private func value(of body: Substring) throws(InterpolationError) -> String {
        if let refusal { throw InterpolationError(message: refusal) }
        let (name, fallback) = Self.split(body)
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
