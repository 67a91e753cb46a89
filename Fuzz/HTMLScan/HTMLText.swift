/// Telegram-HTML as the harness reads it, independent of `HTMLScan` and stricter: text and tags
/// from Telegram's set, lowercase, properly nested and all closed; attribute values quoted in
/// pairs, at most 8 of them; `<` and `>` only around tags and `&` only in an entity (`&amp;`,
/// `&#169;`). Read scalar by scalar, as Telegram does: a `<` with a combining mark is still a `<`.
enum HTMLText {
    /// Whether `html` is well-formed by these rules.
    static func isWellFormed(_ html: Substring) -> Bool {
        var open: [Substring.UnicodeScalarView.SubSequence] = []
        var rest = html.unicodeScalars[...]
        while let first = rest.first {
            switch first {
            case "<":
                guard let close = rest.firstIndex(of: ">") else { return false }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                if inner.first == "/" {
                    guard let name = open.popLast(), name.elementsEqual(inner.dropFirst()) else { return false }
                } else {
                    let name = inner.prefix { ("a"..."z").contains($0) || $0 == "-" }
                    let attributes = inner.dropFirst(name.count)
                    guard HTMLScan.tagNames.contains(String(String.UnicodeScalarView(name))),
                        attributes.isEmpty || attributes.first == " ", hasPairedQuotes(attributes)
                    else { return false }
                    open.append(name)
                }
                rest = rest[rest.index(after: close)...]
            case ">":
                return false
            case "&":
                let body = rest.dropFirst().prefix {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "#"
                }
                guard (1...8).contains(body.count), rest.dropFirst(1 + body.count).first == ";" else { return false }
                rest = rest.dropFirst(body.count + 2)
            default:
                rest = rest.dropFirst()
            }
        }
        return open.isEmpty
    }

    /// Whether every quote in `attributes` is closed by the same quote, with at most 8 values and no `<`.
    private static func hasPairedQuotes(_ attributes: Substring.UnicodeScalarView.SubSequence) -> Bool {
        var values = 0
        var quote: Unicode.Scalar?
        for scalar in attributes {
            if scalar == "<" { return false }
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
                values += 1
            }
        }
        return quote == nil && values <= 8
    }
}
