/// Fills `{name}`-style placeholders in one pass, so a value that itself contains braces (a
/// person named `{age}`) is never filled again.
enum TextTemplate {
    /// `template` with each `{key}` that `values` knows replaced; other braces stay as written.
    static func render(_ template: String, _ values: [String: String]) -> String {
        guard !values.isEmpty else { return template }
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let value = values[String(rest[afterOpen..<close])] {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result.append("{")
                rest = rest[afterOpen...]
            }
        }
        return result + rest
    }

    /// The placeholder names in `template`: `{name}` → `name`; only `a-z` and `_` count.
    static func placeholders(in template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            let name = rest[afterOpen..<close]
            if !name.isEmpty, name.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" }) {
                names.insert(String(name))
            }
            rest = rest[afterOpen...]
        }
        return names
    }
}
