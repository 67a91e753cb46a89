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
        "v1=" + hex(Data(code(body, timestamp, secret)))
    }

    /// `bytes` as lowercase hex digits (`String(format:)` per byte cost more than the HMAC).
    static func hex(_ bytes: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
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
        let hex = Array(header.utf8.dropFirst(3))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else {
                return false
            }
            bytes.append(byte)
        }
        return code(body, timestamp, secret) == bytes
    }

    /// The HMAC of `<timestamp>.<body>`, fed in two parts: the body is not copied.
    private static func code(_ body: some DataProtocol, _ timestamp: Int64, _ secret: RemoteSecret)
        -> HMAC<SHA256>.MAC
    {
        var hmac = HMAC<SHA256>(key: secret.key)
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: body)
        return hmac.finalize()
    }
}
