import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for headers, as S3 and the stores that copy its
/// API check it; tested against AWS's published test suite (`SigV4Tests`).
///
/// The canonical request is the method, the URI-encoded path (S3 style: encoded once, `/` kept,
/// never normalized), the sorted encoded query, the signed headers (lowercase names, sorted,
/// values trimmed with inner runs of spaces collapsed, repeats joined by `,`), their names, and
/// the payload's SHA-256.
enum SigV4 {
    /// What is signed.
    struct Request: Sendable {
        /// `GET`, `PUT`, …
        var method: String
        /// The path, not encoded (`/bucket/han-ru/han-ru-….json`).
        var path: String
        /// The query's names and values, not encoded.
        var query: [(String, String)] = []
        /// Every header to sign, in any case and order; `x-amz-date` (`20150830T123600Z`) among them.
        var headers: [(String, String)]
        /// The payload's SHA-256, lowercase hex.
        var payloadHash: String
    }

    /// The SHA-256 of no bytes.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The `Authorization` header's value for `request`.
    static func authorization(
        _ request: Request,
        accessKey: String,
        secretKey: String,
        region: String,
        service: String
    ) -> String {
        let amzDate = request.headers.first { $0.0.lowercased() == "x-amz-date" }?.1 ?? ""
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let (canonical, signedHeaders) = canonicalRequest(request)
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, hex(SHA256.hash(data: Data(canonical.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secretKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return
            "AWS4-HMAC-SHA256 Credential=\(accessKey)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// The canonical request and the signed headers' names (`host;x-amz-date`).
    static func canonicalRequest(_ request: Request) -> (String, String) {
        let pairs: [(name: String, value: String)] = request.query.map { pair in
            (encode(pair.0, keepSlash: false), encode(pair.1, keepSlash: false))
        }
        let sorted = pairs.sorted { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        let query = sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        var headers: [String: [String]] = [:]
        for (name, value) in request.headers {
            headers[name.lowercased(), default: []].append(trimmed(value))
        }
        let names = headers.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let canonicalHeaders = names.map { "\($0):\(headers[$0]!.joined(separator: ","))\n" }.joined()
        let lines = [
            request.method, encode(request.path, keepSlash: true), query, canonicalHeaders, signedHeaders,
            request.payloadHash,
        ]
        return (lines.joined(separator: "\n"), signedHeaders)
    }

    /// `text` with every byte but `A-Z a-z 0-9 - . _ ~` (and `/` when `keepSlash`) as `%XX`.
    static func encode(_ text: String, keepSlash: Bool) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                encoded.append("/")
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// `value` without spaces at either end, each inner run of spaces made one.
    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
