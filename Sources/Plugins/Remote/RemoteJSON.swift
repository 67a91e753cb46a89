/// One JSON value of a remote plugin's answer, as ``RemoteJSONReader`` read it, with where its
/// text is in the answer (a state value is stored as the text the plugin wrote, whitespace
/// outside strings removed).
struct RemoteJSON: Sendable {
    /// What the value is.
    enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([RemoteJSON])
        /// The members in the order written; a key appears once (the reader refuses repeats).
        case object([(key: String, value: RemoteJSON)])
    }

    /// What the value is.
    var kind: Kind
    /// Where the value's text is in the bytes it was read from.
    var range: Range<Int>

    /// The JSON kind of the value, for errors: `a string`, `null`, `an object`…
    var kindName: String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value's text in `source` (the bytes it was read from), without the whitespace
    /// between tokens: the same JSON value, compact.
    func compactText(in source: [UInt8]) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(range.count)
        var inString = false
        var escaped = false
        for byte in source[range] {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if RemoteJSONReader.isWhitespace(byte) {
                continue
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
            text.append(byte)
        }
        return text
    }
}
