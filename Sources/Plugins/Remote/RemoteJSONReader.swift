/// Reads a remote plugin's answer, JSON (RFC 8259), straight from its bytes into ``RemoteJSON``
/// values: no `JSONSerialization`, no `Any`.
///
/// Stricter than the RFC requires in ways a plugin never needs: arrays and objects are nested at
/// most ``maximumDepth`` deep, an object may not give the same key twice, and a number must fit
/// a `Double` (no `1e999`). Strings must be valid
/// UTF-8 with no raw control characters and no lone surrogate escapes. Any other text is refused
/// with what was expected and at which byte.
struct RemoteJSONReader {
    /// How deep arrays and objects may be nested.
    static let maximumDepth = 64

    /// Why the bytes are not an answer's JSON: what was found, and at which byte.
    struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, with the byte offset.
        var message: String

        var description: String { message }
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The one JSON value `bytes` hold, with whitespace around it.
    ///
    /// - Throws: ``Failure`` at the first byte that does not fit.
    static func read(_ bytes: [UInt8]) throws(Failure) -> RemoteJSON {
        var reader = RemoteJSONReader(bytes)
        reader.skipWhitespace()
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw reader.failure("expected the end after the value") }
        return value
    }

    /// Whether `byte` is whitespace between JSON tokens.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private func failure(_ expected: String) -> Failure {
        guard index < bytes.count else { return Failure(message: "\(expected), found the end of the answer") }
        let byte = bytes[index]
        let found =
            byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return Failure(message: "\(expected), found \(found) at byte \(index)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
    }

    private mutating func value() throws(Failure) -> RemoteJSON {
        guard index < bytes.count else { throw failure("expected a value") }
        let start = index
        let kind: RemoteJSON.Kind
        switch bytes[index] {
        case UInt8(ascii: "{"): kind = .object(try members())
        case UInt8(ascii: "["): kind = .array(try elements())
        case UInt8(ascii: "\""): kind = .string(try string())
        case UInt8(ascii: "t"): try literal("true"); kind = .bool(true)
        case UInt8(ascii: "f"): try literal("false"); kind = .bool(false)
        case UInt8(ascii: "n"): try literal("null"); kind = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): kind = .number(try number())
        default: throw failure("expected a value")
        }
        return RemoteJSON(kind: kind, range: start..<index)
    }

    /// The members of an object, from its `{` to past its `}`.
    private mutating func members() throws(Failure) -> [(key: String, value: RemoteJSON)] {
        var members: [(key: String, value: RemoteJSON)] = []
        try items(closedBy: UInt8(ascii: "}")) { reader throws(Failure) in
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: "\"") else {
                throw reader.failure("expected a key")
            }
            let keyStart = reader.index
            let key = try reader.string()
            if members.contains(where: { $0.key == key }) {
                throw Failure(message: "the key '\(key.prefix(40))' is given twice in one object, at byte \(keyStart)")
            }
            reader.skipWhitespace()
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: ":") else {
                throw reader.failure("expected ':'")
            }
            reader.index += 1
            reader.skipWhitespace()
            let value = try reader.value()
            members.append((key: key, value: value))
        }
        return members
    }

    /// The elements of an array, from its `[` to past its `]`.
    private mutating func elements() throws(Failure) -> [RemoteJSON] {
        var elements: [RemoteJSON] = []
        try items(closedBy: UInt8(ascii: "]")) { reader throws(Failure) in elements.append(try reader.value()) }
        return elements
    }

    /// The items of an array or object, each read by `item`, separated by commas, from the
    /// opening bracket at `index` to past `close`.
    private mutating func items(
        closedBy close: UInt8,
        _ item: (inout RemoteJSONReader) throws(Failure) -> Void
    ) throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw Failure(message: "nested deeper than \(Self.maximumDepth) levels at byte \(index)")
        }
        index += 1
        skipWhitespace()
        let expected = "expected ',' or '\(Character(Unicode.Scalar(close)))'"
        if index < bytes.count, bytes[index] == close {
            index += 1
            depth -= 1
            return
        }
        while true {
            try item(&self)
            skipWhitespace()
            guard index < bytes.count else { throw failure(expected) }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case close:
                index += 1
                depth -= 1
                return
            default:
                throw failure(expected)
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw failure("expected \(word)") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            index += offset
            throw failure("expected \(word)")
        }
        index += count
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    /// A number as RFC 8259 writes it: `-`, an integer part without leading zeros, then an
    /// optional fraction and exponent.
    private mutating func number() throws(Failure) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
            throw failure("expected a digit")
        }
        let integerDigits: Int
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            integerDigits = 1
        } else {
            integerDigits = digits()
        }
        var simple = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("expected a digit after '.'") }
            simple = false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw failure("expected a digit in the exponent") }
            simple = false
        }
        if simple && integerDigits <= 15 {
            var value: Int64 = 0
            for byte in bytes[start..<index] where byte != UInt8(ascii: "-") {
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return Double(bytes[start] == UInt8(ascii: "-") ? -value : value)
        }
        guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
            throw Failure(message: "the number at byte \(start) is too large")
        }
        return value
    }

    /// A string, from its opening quote to past its closing one.
    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        var escaped = false
        while true {
            guard index < bytes.count else { throw failure("expected the string's closing '\"'") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw failure("expected no control character inside a string (write it escaped)") }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1
                guard index < bytes.count else { throw failure("expected an escape") }
                if bytes[index] < 0x20 { throw failure("expected an escape") }
            }
            index += 1
        }
        let end = index
        index += 1
        let raw = try escaped ? unescaped(start..<end) : Array(bytes[start..<end])
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw Failure(message: "the string at byte \(start - 1) is not valid UTF-8")
        }
        return text
    }

    /// The bytes of `range`, a string's inside, with its escapes replaced by what they stand for.
    private func unescaped(_ range: Range<Int>) throws(Failure) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(range.count)
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\") else {
                text.append(byte)
                position += 1
                continue
            }
            let escape = bytes[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escape)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4(at: position, within: range)
                position += 4
                if (0xD800..<0xDC00).contains(code) {
                    guard position + 1 < range.upperBound, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else { throw Failure(message: "a lone surrogate escape at byte \(position - 6)") }
                    let low = try hex4(at: position + 2, within: range)
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw Failure(message: "a lone surrogate escape at byte \(position - 6)")
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                } else if (0xDC00..<0xE000).contains(code) {
                    throw Failure(message: "a lone surrogate escape at byte \(position - 6)")
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw Failure(message: "a \\u escape of no character at byte \(position - 4)")
                }
                UTF8.encode(scalar) { text.append($0) }
            default:
                throw Failure(
                    message: "an unknown escape '\\\(Character(Unicode.Scalar(escape)))' at byte \(position - 2)"
                )
            }
        }
        return text
    }

    private func hex4(at position: Int, within range: Range<Int>) throws(Failure) -> UInt32 {
        guard position + 4 <= range.upperBound else {
            throw Failure(message: "a short \\u escape at byte \(position - 2)")
        }
        var code: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Failure(message: "a \\u escape without four hex digits at byte \(position - 2)")
            }
            code = code << 4 | UInt32(digit)
        }
        return code
    }
}
