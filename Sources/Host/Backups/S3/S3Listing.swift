import Foundation

/// One page of a `ListObjectsV2` answer, and an S3 error answer, read from XML a store (or
/// anyone in its place) wrote: only the few elements needed are looked for, by exact tag, and
/// the counts are bounded.
struct S3Listing: Sendable, Equatable {
    /// The keys on the page.
    var keys: [String]
    /// Where the next page starts, when the listing is truncated.
    var continuationToken: String?

    /// The most bytes a page may have.
    static let maximumBytes = 8 << 20
    /// The most keys a page may hold (S3 sends 1,000).
    static let maximumKeys = 10_000
    /// The most bytes a key or token may have (S3 allows 1,024 for keys).
    static let maximumValueBytes = 1_024

    /// Reads a page.
    ///
    /// - Throws: ``HostError`` when the page is too big, holds too many keys, or is truncated
    ///   without a token.
    static func parse(_ data: Data) throws -> S3Listing {
        guard data.count <= maximumBytes else { throw HostError("the listing page is over \(maximumBytes) bytes") }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains("<ListBucketResult") else { throw HostError("the answer is not a ListObjectsV2 listing") }
        let keys = elements("Key", in: text, limit: maximumKeys + 1)
        guard keys.count <= maximumKeys else { throw HostError("the listing page holds over \(maximumKeys) keys") }
        let truncated = elements("IsTruncated", in: text, limit: 1).first == "true"
        let token = elements("NextContinuationToken", in: text, limit: 1).first
        guard !truncated || token.map({ !$0.isEmpty && $0.utf8.count <= maximumValueBytes }) == true else {
            throw HostError("the listing is truncated without a usable NextContinuationToken")
        }
        return S3Listing(
            keys: keys.filter { !$0.isEmpty && $0.utf8.count <= maximumValueBytes },
            continuationToken: truncated ? token : nil
        )
    }

    /// `Code: Message` of an S3 error answer, bounded; `nil` when the answer is not one.
    static func errorSummary(_ data: Data) -> String? {
        let text = String(decoding: data.prefix(64 * 1024), as: UTF8.self)
        guard let code = elements("Code", in: text, limit: 1).first else { return nil }
        let message = elements("Message", in: text, limit: 1).first.map { ": \(Problem.excerpt($0))" } ?? ""
        return Problem.excerpt(code) + message
    }

    /// The text of the first `limit` elements `<name>…</name>` (without attributes), entities
    /// decoded.
    static func elements(_ name: String, in text: String, limit: Int) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        let open = "<\(name)>"
        let close = "</\(name)>"
        while found.count < limit, let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: close) else { break }
            found.append(unescaped(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// XML's five named entities and numeric references decoded; anything else kept as is.
    private static func unescaped(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let tail = rest[amp...]
            guard let semicolon = tail.prefix(12).firstIndex(of: ";") else {
                result += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = tail[tail.index(after: amp)..<semicolon]
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"][String(entity)]
            var numeric: String?
            if entity.hasPrefix("#") {
                let digits = entity.dropFirst()
                let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                numeric = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            }
            if let decoded = named ?? numeric {
                result += decoded
                rest = rest[rest.index(after: semicolon)...]
            } else {
                result += "&"
                rest = rest[rest.index(after: amp)...]
            }
        }
        return result + rest
    }
}
