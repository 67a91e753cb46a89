/// Writes a request body's JSON straight into bytes: typed members, no `[String: Any]` and no
/// encoder in between, and JSON the host already holds (a plugin's stored state values) spliced
/// in as it is.
///
/// ```swift
/// var json = RemoteJSONWriter()
/// json.object { json in
///     json.member("version", 1)
///     json.member("text", "hi")
/// }
/// json.bytes   // {"version":1,"text":"hi"}
/// ```
///
/// Strings are escaped as RFC 8259 requires (`"`, `\` and the control characters); `/` and
/// non-ASCII characters are written as they are. Members are written in the order given.
struct RemoteJSONWriter {
    /// The JSON written so far.
    private(set) var bytes: [UInt8] = []
    /// Whether the next value in the open object or array needs a comma before it.
    private var needsComma = false

    /// An empty writer, with room for a typical body.
    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// An object whose members `body` writes.
    mutating func object(_ body: (inout RemoteJSONWriter) throws -> Void) rethrows {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        try body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// A member holding an object.
    mutating func member(_ key: String, object body: (inout RemoteJSONWriter) throws -> Void) rethrows {
        self.key(key)
        try object(body)
    }

    /// A string member; left out when `value` is `nil`.
    mutating func member(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    /// A whole-number member; left out when `value` is `nil`.
    mutating func member(_ key: String, _ value: Int64?) {
        guard let value else { return }
        self.key(key)
        bytes.append(contentsOf: value.description.utf8)
        needsComma = true
    }

    /// A number member, `null` when not finite (JSON has no NaN or infinity).
    mutating func member(_ key: String, number value: Double) {
        self.key(key)
        bytes.append(contentsOf: value.isFinite ? value.description.utf8 : "null".utf8)
        needsComma = true
    }

    /// A boolean member.
    mutating func member(_ key: String, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        needsComma = true
    }

    /// A member whose value is `json`, already JSON, spliced in unchanged.
    ///
    /// - Important: `json` must be one complete JSON value; the writer does not check it.
    mutating func member(_ key: String, rawJSON json: some Collection<UInt8>) {
        self.key(key)
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// `"key":`, with the comma before it when one is due; the value follows.
    private mutating func key(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// `text` as a JSON string, with the comma before it when one is due.
    private mutating func string(_ text: String) {
        separate()
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                Self.escape(byte, into: &bytes)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func escape(_ byte: UInt8, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(contentsOf: "u00".utf8)
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0f)])
        }
    }
}
