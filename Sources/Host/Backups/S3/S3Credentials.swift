import Foundation

/// The keys that sign requests to an S3-compatible store, read from the environment
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`) or from a
/// file of `aws_access_key_id = …` lines (an AWS credentials file with one profile).
///
/// They never print: `description` and the mirror name only where they came from.
struct S3Credentials: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The access key id.
    let accessKey: String
    /// The secret access key.
    let secretKey: String
    /// A temporary session's token, sent as `x-amz-security-token`.
    let sessionToken: String?
    /// Where they came from (`the environment`, `/etc/aviary/s3.credentials`).
    let origin: String

    /// The most bytes a credentials file may have.
    static let maximumFileBytes = 16 * 1024

    /// `credentials from <origin>`, without a key.
    var description: String { "credentials from \(origin)" }
    /// Only the origin, so `dump` and `String(reflecting:)` show no key either.
    var customMirror: Mirror { Mirror(self, children: ["origin": origin]) }

    /// Reads the credentials from `file` when given, else from `environment`.
    ///
    /// - Throws: ``S3LocationError`` naming `credentials_file` or the variables; it never quotes a key.
    static func resolve(file: String?, environment: [String: String]) throws(S3LocationError) -> S3Credentials {
        guard let file else {
            guard let access = environment["AWS_ACCESS_KEY_ID"], !access.isEmpty,
                let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
            else {
                throw S3LocationError(
                    "credentials",
                    "none: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add credentials_file=/path to the URL"
                )
            }
            return try checked(
                access: access,
                secret: secret,
                token: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
                origin: "the environment",
                field: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
            )
        }
        // A path is quoted back unless it holds an `@` (someone may have pasted a key there).
        let shown = file.contains("@") ? "the credentials file" : file
        let data: Data
        do {
            data = try SnapshotFolder.readBounded(file, limit: maximumFileBytes)
        } catch {
            throw S3LocationError("credentials_file", "cannot read \(shown)" + (file.contains("@") ? "" : ": \(error)"))
        }
        var values: [String: String] = [:]
        for rawLine in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line.hasPrefix("[") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw S3LocationError("credentials_file", "\(shown): a line is not `name = value`")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            guard ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"].contains(name) else { continue }
            guard values[name] == nil else {
                throw S3LocationError("credentials_file", "\(shown): \(name) is given twice (one profile only)")
            }
            values[name] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let access = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
            throw S3LocationError(
                "credentials_file",
                "\(shown) lacks aws_access_key_id or aws_secret_access_key (write `aws_access_key_id = …` lines)"
            )
        }
        return try checked(
            access: access,
            secret: secret,
            token: values["aws_session_token"],
            origin: shown,
            field: "credentials_file"
        )
    }

    /// The credentials, when each is printable ASCII without spaces of a sane length (they go
    /// into headers).
    private static func checked(access: String, secret: String, token: String?, origin: String, field: String)
        throws(S3LocationError) -> S3Credentials
    {
        for (name, value, limit) in [
            ("the access key id", access, 128), ("the secret key", secret, 256),
            ("the session token", token ?? "x", 8_192),
        ] {
            guard (1...limit).contains(value.utf8.count), value.utf8.allSatisfy({ (33...126).contains($0) }) else {
                throw S3LocationError(
                    field,
                    "\(name) in \(origin) is not 1 to \(limit) printable characters without spaces"
                )
            }
        }
        return S3Credentials(accessKey: access, secretKey: secret, sessionToken: token, origin: origin)
    }
}
