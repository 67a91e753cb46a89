import Foundation

/// A bucket (and a prefix in it) of an S3-compatible store, as a destination names it:
///
/// ```
/// s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION&path_style=true|false&credentials_file=PATH]
/// ```
///
/// - `endpoint`: `http(s)://host[:port]` of a self-hosted store (MinIO, Garage, Ceph…); AWS's
///   `https://s3.<region>.amazonaws.com` when absent.
/// - `region`: signs the requests (`us-east-1` when absent).
/// - `path_style`: `https://host/bucket/key` rather than `https://bucket.host/key`; on by default
///   with an `endpoint` (self-hosted stores want it) or a bucket with dots.
/// - `credentials_file`: a file of `aws_access_key_id = …` lines; the environment's
///   `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` when absent.
///
/// Everything is checked when the location is read (``parse(_:environment:)``), the credentials
/// too; the location prints as `s3://bucket/prefix/ at endpoint`, never with its keys.
struct S3Location: Sendable, Equatable, CustomStringConvertible {
    /// The bucket.
    let bucket: String
    /// Where the snapshots go in the bucket: empty, or segments each followed by `/`.
    let prefix: String
    /// `http` or `https`.
    let scheme: String
    /// The endpoint's host (a name, an IPv4 address, or an IPv6 one in brackets).
    let host: String
    /// The endpoint's port, when not the scheme's.
    let port: Int?
    /// The signing region.
    let region: String
    /// Whether the bucket goes into the path rather than the host name.
    let pathStyle: Bool
    /// The signing keys.
    let credentials: S3Credentials

    /// The most bytes a location's text may have.
    static let maximumLength = 2_048
    /// The most bytes a prefix may have.
    static let maximumPrefixLength = 512

    /// `s3://bucket/prefix/ at scheme://host[:port]`, without the credentials.
    var description: String { "s3://\(bucket)/\(prefix) at \(scheme)://\(authority)" }

    /// `host[:port]` as the `Host` header carries it (with the bucket in virtual-hosted style).
    var authority: String {
        let name = pathStyle ? host : "\(bucket).\(host)"
        return port.map { "\(name):\($0)" } ?? name
    }

    /// The path of object `key` (the whole key, prefix included), not encoded.
    func path(of key: String) -> String { pathStyle ? "/\(bucket)/\(key)" : "/\(key)" }

    /// The path of the bucket itself, for listings.
    var bucketPath: String { pathStyle ? "/\(bucket)" : "/" }

    /// Whether `text` names an S3 location (it starts with `s3://`).
    static func isS3(_ text: String) -> Bool { text.hasPrefix("s3://") }

    /// Reads and checks a location, its credentials included.
    ///
    /// - Throws: ``S3LocationError`` naming the part that is wrong (`bucket`, `prefix`,
    ///   `endpoint`, `region`, `path_style`, `credentials_file`, `credentials`).
    static func parse(_ text: String, environment: [String: String]) throws(S3LocationError) -> S3Location {
        guard text.utf8.count <= maximumLength else { throw S3LocationError("url", "over \(maximumLength) bytes") }
        guard isS3(text) else { throw S3LocationError("url", "does not start with s3://") }
        guard !text.contains("#"), !text.unicodeScalars.contains(where: { $0.value < 33 || $0.value == 127 }) else {
            throw S3LocationError("url", "holds a space, a control character or a '#'")
        }
        let rest = text.dropFirst(5)
        let (location, query) =
            rest.firstIndex(of: "?").map { (rest[..<$0], rest[rest.index(after: $0)...]) }
            ?? (rest, "")
        let bucket = String(location.prefix { $0 != "/" })
        guard !bucket.contains("@"), !bucket.contains(":") else {
            throw S3LocationError(
                "url",
                "keys and ports do not go before the bucket; use credentials_file= or the environment, and endpoint="
            )
        }
        try checkBucket(bucket)
        let prefix = try checkPrefix(String(location.dropFirst(bucket.count)))
        let settings = try settings(String(query))
        let region = settings["region"] ?? "us-east-1"
        guard (1...32).contains(region.utf8.count),
            region.utf8.allSatisfy({ isLowerOrDigit($0) || $0 == UInt8(ascii: "-") })
        else {
            throw S3LocationError(
                "region",
                "\(quote(region)) is not a region name (a-z, 0-9 and '-', such as eu-west-1)"
            )
        }
        let endpoint = try settings["endpoint"].map(endpoint) ?? ("https", "s3.\(region).amazonaws.com", nil)
        var pathStyle = settings["endpoint"] != nil || bucket.contains(".")
        if let style = settings["path_style"] {
            guard style == "true" || style == "false" else {
                throw S3LocationError("path_style", "\(quote(style)) is neither true nor false")
            }
            pathStyle = style == "true"
        }
        if let file = settings["credentials_file"] {
            guard file.hasPrefix("/"), file.utf8.count <= 1_024 else {
                throw S3LocationError("credentials_file", "\(quote(file)) is not an absolute path")
            }
        }
        let credentials = try S3Credentials.resolve(file: settings["credentials_file"], environment: environment)
        return S3Location(
            bucket: bucket,
            prefix: prefix,
            scheme: endpoint.0,
            host: endpoint.1,
            port: endpoint.2,
            region: region,
            pathStyle: pathStyle,
            credentials: credentials
        )
    }

    /// Checks a bucket name as S3 names them: 3 to 63 of `a-z 0-9 . -`, a letter or digit at
    /// either end, no `..`, not an IPv4 address, none of AWS's reserved prefixes or suffixes.
    static func checkBucket(_ bucket: String) throws(S3LocationError) {
        let bytes = Array(bucket.utf8)
        let reason: String? =
            if !(3...63).contains(bytes.count) {
                "is not 3 to 63 characters"
            } else if !bytes.allSatisfy({ isLowerOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) {
                "holds a character other than a-z, 0-9, '.' and '-'"
            } else if !isLowerOrDigit(bytes.first!) || !isLowerOrDigit(bytes.last!) {
                "does not begin and end with a letter or a digit"
            } else if bucket.contains("..") || bucket.contains(".-") || bucket.contains("-.") {
                "has '..', '.-' or '-.'"
            } else if bucket.split(separator: ".").count == 4
                && bucket.split(separator: ".").allSatisfy({ Int($0) != nil })
            {
                "is shaped like an IP address"
            } else if ["xn--", "sthree-", "amzn-s3-demo-"].contains(where: bucket.hasPrefix)
                || ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].contains(where: bucket.hasSuffix)
            {
                "uses a prefix or suffix S3 reserves"
            } else {
                nil
            }
        if let reason { throw S3LocationError("bucket", "\(quote(bucket)) \(reason)") }
    }

    /// Checks `/a/b` (or nothing) and returns it as `a/b/` (or nothing): segments of
    /// `A-Z a-z 0-9 . _ -`, none empty, `.` or `..`, at most ``maximumPrefixLength`` bytes.
    static func checkPrefix(_ path: String) throws(S3LocationError) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard !trimmed.isEmpty else { return "" }
        let segments = trimmed.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= maximumPrefixLength,
            segments.allSatisfy({ segment in
                !segment.isEmpty && segment != "." && segment != ".."
                    && segment.utf8.allSatisfy {
                        isLowerOrDigit($0) || (65...90).contains($0) || [46, 95, 45].contains($0)
                    }
            })
        else {
            throw S3LocationError(
                "prefix",
                "\(quote(path)) is not folder names of A-Z, a-z, 0-9, '.', '_' and '-' joined by '/' "
                    + "(at most \(maximumPrefixLength) bytes, no empty, '.' or '..' part)"
            )
        }
        return segments.joined(separator: "/") + "/"
    }

    /// The settings after `?`, each known and given once.
    private static func settings(_ query: String) throws(S3LocationError) -> [String: String] {
        var settings: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let name = String(pair.prefix { $0 != "=" })
            guard ["endpoint", "region", "path_style", "credentials_file"].contains(name) else {
                throw S3LocationError(
                    "url",
                    "unknown setting \(quote(name)); known: endpoint, region, path_style, credentials_file"
                )
            }
            guard settings[name] == nil else { throw S3LocationError(name, "given twice") }
            guard let value = String(pair.dropFirst(name.count + 1)).removingPercentEncoding, !value.isEmpty else {
                throw S3LocationError(name, "empty or not percent-encoded properly")
            }
            settings[name] = value
        }
        return settings
    }

    /// `http(s)://host[:port][/]` as its scheme, host and port.
    private static func endpoint(_ text: String) throws(S3LocationError) -> (String, String, Int?) {
        let failure = S3LocationError(
            "endpoint",
            "\(quote(text)) is not http(s)://host[:port] (no path, user or query), such as http://127.0.0.1:9000"
        )
        guard let scheme = ["http", "https"].first(where: { text.hasPrefix("\($0)://") }) else { throw failure }
        var authority = text.dropFirst(scheme.count + 3)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        var host = authority
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = authority[..<colon]
            let digits = authority[authority.index(after: colon)...]
            guard (1...5).contains(digits.count), digits.utf8.allSatisfy({ (48...57).contains($0) }),
                let number = Int(digits),
                (1...65_535).contains(number)
            else { throw failure }
            port = number
        }
        guard isHost(host) else { throw failure }
        return (scheme, String(host).lowercased(), port)
    }

    /// A DNS name (labels of `a-z 0-9 -`, at most 253 bytes), an IPv4 address, or `[IPv6]`.
    private static func isHost(_ host: Substring) -> Bool {
        if host.hasPrefix("[") {
            let inner = host.dropFirst().dropLast()
            return host.hasSuffix("]") && (2...45).contains(inner.count)
                && inner.utf8.allSatisfy { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") || $0.isHexDigit }
        }
        let labels = host.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        return (1...253).contains(host.utf8.count)
            && labels.allSatisfy { label in
                (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy { isLowerOrDigit($0) || $0 == UInt8(ascii: "-") }
            }
    }

    /// `text` in quotes for an error, shortened; not at all when it holds an `@`, where
    /// someone may have put a key (`user:secret@host`).
    static func quote(_ text: String) -> String {
        text.contains("@") ? "(a value with '@', not shown)" : "'\(Problem.excerpt(text))'"
    }

    private static func isLowerOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (65...70).contains(self) || (97...102).contains(self)
    }
}

/// An S3 location that cannot be used, naming the part (`bucket: 'My_Bucket' holds …`).
struct S3LocationError: Error, CustomStringConvertible, Equatable {
    /// The part that is wrong: `url`, `bucket`, `prefix`, `endpoint`, `region`, `path_style`,
    /// `credentials_file` or `credentials`.
    let field: String
    /// What is wrong with it.
    let message: String

    /// An error about `field`.
    init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    var description: String { "\(field): \(message)" }
}
