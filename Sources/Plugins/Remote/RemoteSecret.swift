import Crypto
package import Foundation

/// A remote plugin's signing secret: never printed, compared only through signatures.
public struct RemoteSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The fewest bytes a secret may have.
    public static let minimumBytes = 16

    private let bytes: [UInt8]

    /// Wraps the secret's text, trailing whitespace (a file's newline) removed.
    public init(text: String) {
        bytes = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
    }

    /// The HMAC key.
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// `***`: the secret never shows.
    public var description: String { "***" }

    /// `***`, also in debug output.
    public var debugDescription: String { description }
}

/// The protocol's signature: HMAC-SHA256 under the plugin's secret over `<timestamp>.<body>`,
/// sent as `v1=<64 lowercase hex digits>`.
///
/// The host signs each request with the Unix time it sends it at; the plugin signs its answer
/// with the same timestamp, so an answer cannot be replayed for another request.
package enum RemoteSignature {
    /// The request and answer header carrying the signature.
    static let header = "Aviary-Signature"
    /// The request header carrying the timestamp, Unix seconds.
    static let timestampHeader = "Aviary-Timestamp"

    /// The header value for `body` sent at `timestamp`.
    package static func sign(_ body: some DataProtocol, timestamp: Int64, secret: RemoteSecret) -> String {
        "v1=" + hex(code(body, timestamp, secret))
    }

    /// `bytes` as lowercase hex digits (`String(format:)` per byte cost more than the HMAC).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `header` is the signature of `body` at `timestamp`, compared in constant time.
    package static func verify(
        _ header: String?,
        body: some DataProtocol,
        timestamp: Int64,
        secret: RemoteSecret
    ) -> Bool {
        guard let header, header.hasPrefix("v1="), header.utf8.count == 67 else { return false }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var high: UInt8?
        for character in header.utf8.dropFirst(3) {
            guard let nibble = nibble(character) else { return false }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return code(body, timestamp, secret) == bytes
    }

    /// The value of one hex digit, either case; `nil` for any other byte.
    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The HMAC of `<timestamp>.<body>`, fed in two parts: the body is not copied.
    private static func code(_ body: some DataProtocol, _ timestamp: Int64, _ secret: RemoteSecret)
        -> HMAC<SHA256>.MAC
    {
        var hmac = HMAC<SHA256>(key: secret.key)
        hmac.update(data: Array((String(timestamp) + ".").utf8))
        hmac.update(data: body)
        return hmac.finalize()
    }
}
