import Foundation
import Tenant

extension ManifestValidation {
    /// `[a-z0-9][a-z0-9-]{0,62}`.
    static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 63 else { return false }
        let allowed = { (c: Unicode.Scalar) in ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        return allowed(first) && id.unicodeScalars.allSatisfy { allowed($0) || $0 == "-" }
    }

    /// `<digits>:<35 or more of A-Za-z0-9_->`, as @BotFather issues them.
    static func looksLikeToken(_ token: String) -> Bool {
        guard let colon = token.firstIndex(of: ":") else { return false }
        let botID = token[..<colon].unicodeScalars
        let secret = token[token.index(after: colon)...].unicodeScalars
        return !botID.isEmpty && botID.allSatisfy { ("0"..."9").contains($0) } && secret.count >= 35
            && secret.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == "-"
            }
    }

    /// The `id`, or the file name without extension; checked against the id pattern.
    mutating func validatedID(_ id: String?) -> String {
        if let id {
            if !Self.isValidID(id) {
                fail(
                    line(of: "id"),
                    "id",
                    "'\(id)' is not a valid id; use 1–63 of a-z, 0-9 and '-', starting with a letter or digit"
                )
            }
            return id
        }
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if !Self.isValidID(base) {
            fail(
                nil,
                "id",
                "the file name '\(base)' is not a valid id; set id: (1–63 of a-z, 0-9 and '-') or rename the file"
            )
        }
        return base
    }

    /// The `name`, if written and not blank.
    mutating func validatedName(_ name: String?) -> String? {
        guard let name else { return nil }
        if name.allSatisfy(\.isWhitespace) {
            fail(line(of: "name"), "name", "the name is empty; write one, or remove the key to use the id")
            return nil
        }
        return name
    }

    /// The `platform`: telegram, sandbox or matrix.
    mutating func validatedPlatform(_ platform: String?) -> BotManifest.Platform {
        guard let platform else { return .telegram }
        switch BotManifest.Platform(rawValue: platform) {
        case .telegram:
            return .telegram
        case .sandbox:
            return .sandbox
        case .matrix:
            return .matrix
        case nil:
            let names = BotManifest.Platform.allCases.map(\.rawValue)
            fail(
                line(of: "platform"),
                "platform",
                "unknown platform '\(platform)'" + Suggestion.hint(for: platform, among: names)
                    + " (available: \(names.joined(separator: ", ")))"
            )
            return .telegram
        }
    }

    /// The `telegram:` block: an http(s) `api_url`, `mode`, `poll_timeout` 0–50, `max_connections` 1–100.
    mutating func validatedTelegram(_ settings: ManifestDocument.Telegram?) -> BotManifest.TelegramSettings {
        var result = BotManifest.TelegramSettings()
        guard let settings else { return result }
        if let text = settings.apiURL {
            if let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                url.host?.isEmpty == false
            {
                result.apiURL = url
            } else {
                fail(
                    line(of: "telegram.api_url"),
                    "telegram.api_url",
                    "'\(text)' is not an http(s) URL; write the Bot API server's address, such as https://api.telegram.org"
                )
            }
        }
        if let mode = settings.mode {
            switch BotManifest.Mode(rawValue: mode) {
            case .polling:
                result.mode = .polling
            case .webhook:
                result.mode = .webhook
            case nil:
                let names = BotManifest.Mode.allCases.map(\.rawValue)
                fail(
                    line(of: "telegram.mode"),
                    "telegram.mode",
                    "unknown mode '\(mode)'" + Suggestion.hint(for: mode, among: names)
                        + " (available: \(names.joined(separator: ", ")))"
                )
            }
        }
        if let timeout = settings.pollTimeout {
            if (0...50).contains(timeout) {
                result.pollTimeout = timeout
            } else {
                fail(
                    line(of: "telegram.poll_timeout"),
                    "telegram.poll_timeout",
                    "\(timeout) is out of range; Telegram accepts 0 to 50 seconds"
                )
            }
        }
        if let connections = settings.maxConnections {
            if (1...100).contains(connections) {
                result.maxConnections = connections
            } else {
                fail(
                    line(of: "telegram.max_connections"),
                    "telegram.max_connections",
                    "\(connections) is out of range; Telegram accepts 1 to 100 connections"
                )
            }
        }
        return result
    }

    /// The `locale`, a language code such as `ru` or `pt-br`.
    mutating func validatedLocale(_ locale: String?) -> String? {
        guard let locale else { return nil }
        let parts = locale.split(separator: "-", omittingEmptySubsequences: false)
        let valid =
            parts.first.map { (2...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isLetter } } == true
            && parts.dropFirst().allSatisfy { part in
                (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            }
        if !valid {
            fail(line(of: "locale"), "locale", "'\(locale)' is not a language code; use a code such as ru, en or pt-br")
            return nil
        }
        return locale
    }

    /// The `time_zone`, an IANA name such as `Europe/Moscow`.
    mutating func validatedTimeZone(_ name: String?) -> TimeZone? {
        guard let name else { return nil }
        guard name.contains("/") || name == "UTC", let timeZone = TimeZone(identifier: name) else {
            fail(
                line(of: "time_zone"), "time_zone",
                "'\(name)' is not a time zone; use an IANA name such as Europe/Moscow, America/New_York or UTC")
            return nil
        }
        return timeZone
    }

    /// The `database` file path, if written: a path inside `--data-dir` (no absolute path, no
    /// `..` step, no control character), at most 1,024 bytes.
    mutating func validatedDatabase(_ database: String?) -> String? {
        guard let database else { return nil }
        let steps = database.split(separator: "/", omittingEmptySubsequences: true)
        let problem: String? =
            if database.allSatisfy(\.isWhitespace) || database.hasSuffix("/") || steps.allSatisfy({ $0 == "." }) {
                "is not a file path; name the bot's SQLite file (relative paths are inside --data-dir)"
            } else if database.hasPrefix("/") {
                "is an absolute path; a database stays inside --data-dir: "
                    + "write a path relative to it, such as han-ru.sqlite"
            } else if steps.contains("..") {
                "steps out of --data-dir with '..'; a database stays inside it: write a path such as han-ru.sqlite"
            } else if database.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                "has a control character; name the file with printable characters"
            } else if database.utf8.count > 1024 || steps.contains(where: { $0.utf8.count > 255 }) {
                "is too long; use at most 1,024 bytes, and 255 per folder or file name"
            } else {
                nil
            }
        if let problem {
            fail(line(of: "database"), "database", "'\(database)' \(problem)")
            return nil
        }
        return database
    }
}
