import Foundation
import Storage
import Yams

/// The optional host config file (`--config aviary.yaml`): settings that belong to the host,
/// not to one bot.
///
/// ```yaml
/// api:
///   admin_token_file: /run/secrets/aviary-admin   # else AVIARY_ADMIN_TOKEN
///   brand_tokens:                                 # brand: SHA-256 hex of that brand's token
///     han: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
///   failed_auth_per_minute: 10                    # per client address, then 429
/// http:
///   trusted_proxies: [127.0.0.1, "::1"]           # whose X-Forwarded-For names the client
///   idle_timeout_seconds: 30                      # idle or header-less connections are closed
///   request_timeout_seconds: 30                   # a request must arrive whole in this time
///   max_connections: 1000                         # open connections at most
/// storage:
///   max_open_databases: 1000                      # bot databases open at once, least recently used closed first
///   idle_close_seconds: 30                        # a bot database unused this long is closed
/// ```
struct HostConfig: Sendable, Equatable {
    /// Where the admin token is read from, if not from the environment.
    var adminTokenFile: String?
    /// Each brand's token digest, as 64 hex digits.
    var brandTokens: [String: String] = [:]
    /// Failed authentication attempts one address may make per minute; 10 by default.
    var failedAuthPerMinute = 10
    /// The HTTP server's timeouts, connection cap and trusted proxies.
    var http = HTTPServerSettings()
    /// The most bot databases open at once; by default an eighth of the open-file limit, 64 to
    /// 1,000 (``OpenFileLimit``).
    var maxOpenDatabases: Int?
    /// How long a bot database may stay open unused; 30 s by default.
    var idleCloseAfter: Duration = .seconds(30)
    /// Scheduled backups (`backups:`); none when absent.
    var backups: BackupsConfig?

    private struct Document: Decodable {
        struct HTTP: Decodable {
            var trusted_proxies: [String]?
            var idle_timeout_seconds: Int?
            var request_timeout_seconds: Int?
            var max_connections: Int?
        }

        struct API: Decodable {
            var admin_token_file: String?
            var brand_tokens: [String: String]?
            var failed_auth_per_minute: Int?
        }

        struct Storage: Decodable {
            var max_open_databases: Int?
            var idle_close_seconds: Int?
        }

        var api: API?
        var http: HTTP?
        var storage: Storage?
        var backups: BackupsConfig.Document?
    }

    /// Reads and checks the file: at most 64 KiB, 5,000 values and 16 levels, without YAML
    /// anchors or aliases (see ``YAMLLimits/hostConfig``).
    ///
    /// - Throws: ``HostConfigError`` naming the file, the line when known, and what is wrong.
    static func load(path: String) throws -> HostConfig {
        let limit = YAMLLimits.hostConfig.maximumBytes
        guard let handle = FileHandle(forReadingAtPath: path),
            let data = try? handle.read(upToCount: limit + 1) ?? Data()
        else {
            throw HostConfigError(message: "\(path): cannot read the host config file")
        }
        try? handle.close()
        let text = String(decoding: data, as: UTF8.self)
        if let refusal = YAMLPreflight.refusal(of: text, limits: .hostConfig) {
            throw HostConfigError(message: "\(path)\(refusal.line.map { ":\($0)" } ?? ""): \(refusal.message)")
        }
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text)
        } catch {
            throw HostConfigError(message: "\(path): \(error)")
        }
        var config = HostConfig(adminTokenFile: document.api?.admin_token_file)
        if let limit = document.api?.failed_auth_per_minute {
            guard limit >= 1 else {
                throw HostConfigError(message: "\(path): api.failed_auth_per_minute: \(limit) must be 1 or more")
            }
            config.failedAuthPerMinute = limit
        }
        for (brand, hex) in document.api?.brand_tokens ?? [:] {
            guard APITokens.digest(hex: hex) != nil else {
                throw HostConfigError(
                    message: "\(path): api.brand_tokens.\(brand): not a SHA-256 digest; write the 64 hex digits of `printf %s \"$TOKEN\" | sha256sum`")
            }
            config.brandTokens[brand] = hex
        }
        if let http = document.http { config.http = try settings(http, path: path) }
        if let storage = document.storage {
            if let count = try checked(storage.max_open_databases, "storage.max_open_databases", 1...100_000, path) {
                config.maxOpenDatabases = count
            }
            if let seconds = try checked(storage.idle_close_seconds, "storage.idle_close_seconds", 1...86_400, path) {
                config.idleCloseAfter = .seconds(seconds)
            }
        }
        if let backups = document.backups {
            do {
                config.backups = try BackupsConfig.make(backups)
            } catch {
                throw HostConfigError(message: "\(path): \(error)")
            }
        }
        return config
    }

    /// `value` when it lies in `range`; a ``HostConfigError`` naming `key` and the range otherwise.
    private static func checked(_ value: Int?, _ key: String, _ range: ClosedRange<Int>, _ path: String) throws
        -> Int?
    {
        guard let value else { return nil }
        guard range.contains(value) else {
            let allowed = "\(range.lowerBound) to \(range.upperBound)"
            throw HostConfigError(message: "\(path): \(key): \(value) is out of range; use \(allowed)")
        }
        return value
    }

    /// The `http:` section, each number checked against its range.
    private static func settings(_ http: Document.HTTP, path: String) throws -> HTTPServerSettings {
        var settings = HTTPServerSettings()
        if let seconds = try checked(http.idle_timeout_seconds, "http.idle_timeout_seconds", 1...3_600, path) {
            settings.idleTimeout = .seconds(seconds)
        }
        if let seconds = try checked(http.request_timeout_seconds, "http.request_timeout_seconds", 1...3_600, path) {
            settings.requestTimeout = .seconds(seconds)
        }
        if let count = try checked(http.max_connections, "http.max_connections", 1...1_000_000, path) {
            settings.maximumConnections = count
        }
        do {
            settings.trustedProxies = try TrustedProxies(http.trusted_proxies ?? [])
        } catch {
            throw HostConfigError(message: "\(path): http.trusted_proxies: \(error)")
        }
        return settings
    }

    /// The bound on open bot databases this config asks for.
    ///
    /// - Parameter openFiles: The process's limit on open files, which sizes the default bound.
    func openDatabases(openFiles: Int) -> OpenDatabases {
        OpenDatabases(
            limit: maxOpenDatabases ?? OpenFileLimit.defaultDatabaseLimit(forOpenFiles: openFiles),
            idleTimeout: idleCloseAfter)
    }

    /// The limiter of failed authentication attempts this config asks for.
    var failedAuthLimiter: FailedAuthLimiter {
        FailedAuthLimiter(burst: failedAuthPerMinute, interval: .seconds(60) / failedAuthPerMinute)
    }

    /// The API tokens: the admin token from `environment` or the token file, and the brand digests.
    ///
    /// - Throws: ``HostConfigError`` when the admin token file cannot be read or the token is too short.
    func apiTokens(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> APITokens {
        var admin: String?
        if let value = environment["AVIARY_ADMIN_TOKEN"], !value.isEmpty {
            admin = value
        } else if let adminTokenFile {
            guard let data = FileManager.default.contents(atPath: adminTokenFile) else {
                throw HostConfigError(message: "\(adminTokenFile): cannot read the admin token file")
            }
            admin = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let admin, admin.count < 16 {
            throw HostConfigError(message: "the admin token is shorter than 16 characters; use a long random value")
        }
        return APITokens(
            admin: admin.map(APITokens.digest(of:)),
            brands: brandTokens.compactMapValues(APITokens.digest(hex:)))
    }
}

/// The host config file or a token in it is unusable.
struct HostConfigError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
