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
///   brand_names:                                  # optional display names, for the audit log and dashboard
///     han: Han operators
///   failed_auth_per_minute: 10                    # per client address, then 429
/// http:
///   trusted_proxies: [127.0.0.1, "::1"]           # whose X-Forwarded-For names the client
///   idle_timeout_seconds: 30                      # idle or header-less connections are closed
///   request_timeout_seconds: 30                   # a request must arrive whole in this time
///   max_connections: 1000                         # open connections at most
/// remote_plugins:
///   allowed_hosts: [127.0.0.1]                    # hosts remote plugins may call; any when absent
///   brands: { han: [han-plugins.example.com] }     # the hosts each brand's bots may call
/// storage:
///   max_open_databases: 1000                      # bot databases open at once, least recently used closed first
///   idle_close_seconds: 30                        # a bot database unused this long is closed
/// ```
struct HostConfig: Sendable, Equatable {
    /// Where the admin token is read from, if not from the environment.
    var adminTokenFile: String?
    /// Each brand's token digest, as 64 hex digits.
    var brandTokens: [String: String] = [:]
    /// Each brand token's display name (`api.brand_names`), shown in the audit log and the dashboard.
    var brandNames: [String: String] = [:]
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
    /// Which hosts remote plugins may call (`remote_plugins:`); any when absent.
    var remotePlugins = RemotePluginPolicy()
    /// The Bot API servers a brand's manifest may name besides Telegram's (`telegram.brand_api_urls`).
    var brandBotAPIServers = BrandBotAPIServers()
    /// The Matrix application service (`matrix:`); none when absent.
    var matrix: MatrixConfig?

    /// Reads and checks the file: at most 64 KiB, 5,000 values and 16 levels, without YAML
    /// anchors or aliases (see ``YAMLLimits/hostConfig``). Unknown keys are errors, each with
    /// its line and a suggestion; every error of the file is reported at once. `${VAR}` expands
    /// from `environment`, as in manifests.
    ///
    /// - Throws: ``HostConfigError`` naming the file, the line and the key of each problem.
    static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> HostConfig
    {
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
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return HostConfig() }
            root = node
        } catch let error as YamlError {
            let line = ManifestValidation.line(of: error).map { ":\($0)" } ?? ""
            throw HostConfigError(message: "\(path)\(line): \(ManifestValidation.problem(of: error))")
        } catch {
            throw HostConfigError(message: "\(path): not valid YAML")
        }
        var reader = HostConfigReader(path: path, root: root)
        return try reader.read(environment: environment)
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
            brands: brandTokens.compactMapValues(APITokens.digest(hex:)), displayNames: brandNames)
    }
}

/// The host config file or a token in it is unusable: every problem, one line each
/// (`aviary.yaml:3: api.brand_tokns: unknown key; did you mean 'brand_tokens'?`).
struct HostConfigError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
