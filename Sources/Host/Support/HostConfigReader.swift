import Foundation
import Yams

/// One pass over a host config's parsed document: decodes it strictly (unknown keys located,
/// with suggestions), checks every value, and collects every error before throwing them together.
///
/// A section is one `Decodable` struct below ``Document``; a new section (`backups:`) is one
/// more optional property there and a check in ``read(environment:)``: its keys become known,
/// and misspelt ones are reported, with nothing else to change.
struct HostConfigReader {
    /// The file's sections, as written.
    struct Document: Decodable {
        struct API: Decodable {
            var admin_token_file: String?
            var brand_tokens: [String: String]?
            var brand_names: [String: String]?
            var failed_auth_per_minute: Int?
        }

        struct HTTP: Decodable {
            var trusted_proxies: [String]?
            var idle_timeout_seconds: Int?
            var request_timeout_seconds: Int?
            var max_connections: Int?
        }

        struct Storage: Decodable {
            var max_open_databases: Int?
            var idle_close_seconds: Int?
        }

        struct RemotePlugins: Decodable {
            var allowed_hosts: [String]?
            var brands: [String: [String]]?
        }

        struct Telegram: Decodable {
            var brand_api_urls: [String]?
        }

        var api: API?
        var http: HTTP?
        var storage: Storage?
        var backups: BackupsConfig.Document?
        var remote_plugins: RemotePlugins?
        var telegram: Telegram?
        var matrix: MatrixConfig.Document?
    }

    /// The file, for errors.
    let path: String
    /// Its root node, for lines.
    let root: Node
    private var errors: [LocatedError] = []

    /// A reader of `root`, parsed from `path`.
    init(path: String, root: Node) {
        self.path = path
        self.root = root
    }

    /// The config, or every error of the file.
    mutating func read(environment: [String: String]) throws -> HostConfig {
        let context = NodeDecodingContext(interpolation: Interpolation(environment: environment))
        var document: Document?
        do {
            document = try NodeDecoder(node: root, path: [], context: context).decode(Document.self)
            errors += context.unknownKeyErrors(decodingFailed: false) + context.fieldErrors
        } catch let error as LocatedError {
            errors += context.unknownKeyErrors(decodingFailed: true) + context.fieldErrors + [error]
        } catch {
            errors +=
                context.unknownKeyErrors(decodingFailed: true) + [
                    LocatedError(line: nil, path: "", message: "\(error)")
                ]
        }
        var config = HostConfig()
        if let document { apply(document, to: &config, environment: environment) }
        guard errors.isEmpty else {
            let lines = errors.sorted { ($0.line ?? 0) < ($1.line ?? 0) }.map { error in
                let key = error.path.isEmpty ? "" : "\(error.path): "
                return "\(path)\(error.line.map { ":\($0)" } ?? ""): \(key)\(error.message)"
            }
            throw HostConfigError(message: lines.joined(separator: "\n"))
        }
        return config
    }

    private mutating func apply(_ document: Document, to config: inout HostConfig, environment: [String: String]) {
        config.adminTokenFile = document.api?.admin_token_file
        if let limit = checked(document.api?.failed_auth_per_minute, "api.failed_auth_per_minute", 1...1_000_000) {
            config.failedAuthPerMinute = limit
        }
        for (brand, hex) in document.api?.brand_tokens ?? [:] {
            guard APITokens.digest(hex: hex) != nil else {
                fail(
                    "api.brand_tokens.\(brand)",
                    "not a SHA-256 digest; write the 64 hex digits of `printf %s \"$TOKEN\" | sha256sum`"
                )
                continue
            }
            config.brandTokens[brand] = hex
        }
        for (brand, name) in document.api?.brand_names ?? [:] {
            if document.api?.brand_tokens?[brand] == nil {
                let known = (document.api?.brand_tokens ?? [:]).keys
                fail(
                    "api.brand_names.\(brand)",
                    "no brand token '\(brand)' to name" + Suggestion.hint(for: brand, among: known)
                )
            } else if !(1...100).contains(name.count)
                || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            {
                fail("api.brand_names.\(brand)", "a display name is 1 to 100 characters, without control characters")
            } else {
                config.brandNames[brand] = name
            }
        }
        if let http = document.http { config.http = settings(http) }
        if let storage = document.storage {
            if let count = checked(storage.max_open_databases, "storage.max_open_databases", 1...100_000) {
                config.maxOpenDatabases = count
            }
            if let seconds = checked(storage.idle_close_seconds, "storage.idle_close_seconds", 1...86_400) {
                config.idleCloseAfter = .seconds(seconds)
            }
        }
        if let remote = document.remote_plugins { config.remotePlugins = remotePolicy(remote) }
        if let telegram = document.telegram { config.brandBotAPIServers = brandServers(telegram) }
        if let matrix = document.matrix {
            do {
                config.matrix = try MatrixConfig.make(matrix)
            } catch {
                let key = String(error.message.prefix { $0 != ":" })
                fail(key, String(error.message.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces))
            }
        }
        if let backups = document.backups {
            do {
                config.backups = try BackupsConfig.make(backups, environment: environment)
            } catch {
                // The error names its key (`backups.schedule.daily: …`); locate that key.
                let key = String(error.description.prefix { $0 != ":" })
                let message = String(error.description.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces)
                fail(key, message)
            }
        }
    }

    /// The `http:` section, each number checked against its range.
    private mutating func settings(_ http: Document.HTTP) -> HTTPServerSettings {
        var settings = HTTPServerSettings()
        if let seconds = checked(http.idle_timeout_seconds, "http.idle_timeout_seconds", 1...3_600) {
            settings.idleTimeout = .seconds(seconds)
        }
        if let seconds = checked(http.request_timeout_seconds, "http.request_timeout_seconds", 1...3_600) {
            settings.requestTimeout = .seconds(seconds)
        }
        if let count = checked(http.max_connections, "http.max_connections", 1...1_000_000) {
            settings.maximumConnections = count
        }
        do {
            settings.trustedProxies = try TrustedProxies(http.trusted_proxies ?? [])
        } catch {
            fail("http.trusted_proxies", "\(error)")
        }
        return settings
    }

    /// The `remote_plugins:` section; each entry is a host or `host:port`.
    private mutating func remotePolicy(_ remote: Document.RemotePlugins) -> RemotePluginPolicy {
        let lists = [("remote_plugins.allowed_hosts", remote.allowed_hosts ?? [])]
            + (remote.brands ?? [:]).map { ("remote_plugins.brands.\($0.key)", $0.value) }
        for (key, hosts) in lists {
            let bad = hosts.filter { $0.isEmpty || $0.count > 255 || $0.contains { "/@ \t\n".contains($0) } }
            for host in bad {
                fail(key, "'\(host.prefix(60))' is not a host; write a name or address, or host:port")
            }
        }
        return RemotePluginPolicy(allowedHosts: remote.allowed_hosts, brands: remote.brands ?? [:])
    }

    /// The `telegram:` section: each of `brand_api_urls` an http(s) address with a host and no
    /// user, query or fragment.
    private mutating func brandServers(_ telegram: Document.Telegram) -> BrandBotAPIServers {
        var servers = BrandBotAPIServers()
        for text in telegram.brand_api_urls ?? [] {
            if let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host?.isEmpty == false, url.user == nil, url.password == nil, url.query == nil, url.fragment == nil
            {
                servers.listed.append(url)
            } else {
                fail(
                    "telegram.brand_api_urls",
                    "'\(text.prefix(80))' is not an http(s) address of a Bot API server, such as http://127.0.0.1:8081"
                )
            }
        }
        return servers
    }

    /// `value` when it lies in `range`; an error naming `key` and the range otherwise.
    private mutating func checked(_ value: Int?, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let value else { return nil }
        guard range.contains(value) else {
            fail(key, "\(value) is out of range; use \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    private mutating func fail(_ key: String, _ message: String) {
        errors.append(LocatedError(line: root.locate(key)?.line, path: key, message: message))
    }
}
