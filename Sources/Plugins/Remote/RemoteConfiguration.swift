public import Foundation
import Tenant

/// The `remote` plugin's settings: where the plugin's own server is and how to call it.
///
/// ```yaml
/// - remote:
///     name: han-horoscope                  # unique in the manifest: its storage and jobs go by it
///     url: http://127.0.0.1:9100/hook      # http or https only
///     secret_file: secrets/han-horoscope.key   # or secret: "…" (at least 16 bytes)
///     timeout: 3s                          # per call; 100ms to 60s. Default 5s
///     interests: [message, callback]       # default [message]
///     attempts: 4                          # calls per update before on_failure; 1 to 10
///     on_failure: fail                     # or pass: the next plugin gets the update
/// ```
public struct RemoteConfiguration: Decodable, Sendable, Equatable {
    /// What happens to an update once every attempt failed.
    public enum FailurePolicy: String, Decodable, Sendable {
        /// The update is marked failed with the plugin's error.
        case fail
        /// The update goes on to the next plugin, as if this one passed.
        case pass
    }

    /// The plugin's name in this bot (`han-horoscope`): letters, digits, `-` and `_`, 1 to 64.
    public var name: String
    /// The endpoint every update and job is POSTed to.
    public var url: String
    /// A file holding the signing secret (read by the host at load; trailing whitespace ignored).
    public var secretFile: String?
    /// The signing secret itself, for manifests written through the API.
    public var secret: String?
    /// How long one call may take, as written (`3s`, `500ms`, or seconds as a number).
    public var timeout: RemoteDuration
    /// The update kinds sent to the plugin.
    public var interests: [String]
    /// Calls per update (or job) before ``onFailure`` applies.
    public var attempts: Int
    /// What a final failure does.
    public var onFailure: FailurePolicy

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, url, secret, timeout, interests, attempts
        case secretFile = "secret_file"
        case onFailure = "on_failure"
    }

    /// Creates settings; everything but the name and address has a default.
    public init(
        name: String,
        url: String,
        secretFile: String? = nil,
        secret: String? = nil,
        timeout: RemoteDuration = .init(.seconds(5)),
        interests: [String] = ["message"],
        attempts: Int = 4,
        onFailure: FailurePolicy = .fail
    ) {
        self.name = name
        self.url = url
        self.secretFile = secretFile
        self.secret = secret
        self.timeout = timeout
        self.interests = interests
        self.attempts = attempts
        self.onFailure = onFailure
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            url: try container.decode(String.self, forKey: .url),
            secretFile: try container.decodeIfPresent(String.self, forKey: .secretFile),
            secret: try container.decodeIfPresent(String.self, forKey: .secret),
            timeout: try container.decodeIfPresent(RemoteDuration.self, forKey: .timeout) ?? .init(.seconds(5)),
            interests: try container.decodeIfPresent([String].self, forKey: .interests) ?? ["message"],
            attempts: try container.decodeIfPresent(Int.self, forKey: .attempts) ?? 4,
            onFailure: try container.decodeIfPresent(FailurePolicy.self, forKey: .onFailure) ?? .fail
        )
    }
}

/// A duration written `3s`, `500ms`, `1m` or as a number of seconds.
public struct RemoteDuration: Decodable, Sendable, Equatable {
    /// The duration.
    public var duration: Duration

    /// Wraps a duration.
    public init(_ duration: Duration) {
        self.duration = duration
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            guard let parsed = Self.parse("\(seconds)s") else {
                throw PluginConfigurationError(key: "timeout", "expected a duration such as 3s or 500ms")
            }
            duration = parsed
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = Self.parse(text) else {
            throw PluginConfigurationError(
                key: "timeout",
                "'\(text.prefix(40))' is no duration; write it as 3s, 500ms or 1m"
            )
        }
        duration = parsed
    }

    /// `3s`, `500ms`, `1m` or `2.5s` as a duration; `nil` for anything else.
    static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let value = Double(trimmed.dropLast(unit.suffix.count)), value.isFinite, value >= 0,
                value * unit.milliseconds < 1e9
            else { return nil }
            return .milliseconds(Int64((value * unit.milliseconds).rounded()))
        }
        return nil
    }
}

extension RemoteConfiguration {
    /// The update kinds `interests` may name, by the name written.
    static let knownInterests: [String: UpdateKind] = [
        "message": .message, "edited_message": .editedMessage, "callback": .callbackQuery,
        "callback_query": .callbackQuery, "member_change": .memberChange,
    ]

    /// Checks what decoding cannot: the name's characters, the address, the bounds.
    ///
    /// - Throws: ``PluginConfigurationError`` naming the setting and what to write instead.
    func validated() throws -> (url: URL, interests: Set<UpdateKind>) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        guard (1...64).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw PluginConfigurationError(key: "name", "use 1 to 64 letters, digits, '-' or '_' (han-horoscope)")
        }
        guard let url = RemoteAddress.parse(url) else {
            throw PluginConfigurationError(
                key: "url",
                "expected an http:// or https:// address with a host (http://127.0.0.1:9100/hook)"
            )
        }
        guard timeout.duration >= .milliseconds(100), timeout.duration <= .seconds(60) else {
            throw PluginConfigurationError(key: "timeout", "give a timeout from 100ms to 60s")
        }
        guard (1...10).contains(attempts) else {
            throw PluginConfigurationError(key: "attempts", "give 1 to 10 attempts")
        }
        let longest = longestWait
        guard longest <= RemoteLimits.callBudget else {
            throw PluginConfigurationError(
                key: "attempts",
                "remote plugin '\(name)' could hold an update for \(attempts) × \(Self.seconds(timeout.duration)) "
                    + "+ \(Self.seconds(longest - timeout.duration * attempts)) of backoff = \(Self.seconds(longest)), "
                    + "over the \(Self.seconds(RemoteLimits.callBudget)) one update may wait on a remote plugin; "
                    + "lower attempts or timeout"
            )
        }
        switch (secret, secretFile) {
        case (.some, .some):
            throw PluginConfigurationError(key: "secret", "give secret or secret_file, not both")
        case (nil, nil):
            throw PluginConfigurationError(
                key: "secret_file",
                "the plugin needs a signing secret: give secret_file (or secret)"
            )
        case (let secret?, nil) where secret.utf8.count < RemoteSecret.minimumBytes:
            throw PluginConfigurationError(
                key: "secret",
                "the secret is shorter than \(RemoteSecret.minimumBytes) bytes; use a long random value"
            )
        default:
            break
        }
        var kinds: Set<UpdateKind> = []
        for (index, interest) in interests.enumerated() {
            guard let kind = Self.knownInterests[interest] else {
                let names = Self.knownInterests.keys.sorted().joined(separator: ", ")
                throw PluginConfigurationError(
                    key: "interests[\(index)]",
                    "unknown update kind '\(interest.prefix(40))' (known: \(names))"
                )
            }
            kinds.insert(kind)
        }
        guard !kinds.isEmpty else {
            throw PluginConfigurationError(key: "interests", "list at least one update kind (message)")
        }
        return (url, kinds)
    }
}

/// A remote plugin's address: `http` or `https`, with a host, nothing else.
public enum RemoteAddress {
    /// The URL, when it is an http or https address with a host and no user or password.
    public static func parse(_ text: String) -> URL? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.user == nil, components.password == nil, let url = components.url
        else { return nil }
        return url
    }
}
