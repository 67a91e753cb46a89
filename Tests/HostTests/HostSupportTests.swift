import Foundation
import Logging
import Storage
import Synchronization
import Testing
@testable import Host

/// Token redaction, the JSON log format, the host secret, API tokens and the host config.
@Suite("Host support")
struct HostSupportTests {
    static let token = "123456789:AAH" + String(repeating: "x", count: 32)

    @Test("token-shaped text is masked wherever it appears; other colons are left alone")
    func redaction() {
        #expect(TokenRedaction.redact("url https://api.telegram.org/bot\(Self.token)/getMe failed") == "url https://api.telegram.org/bot123456789:***/getMe failed")
        #expect(TokenRedaction.redact(Self.token) == "123456789:***")
        #expect(TokenRedaction.redact("at 12:30, ratio 3:1, id 42:short") == "at 12:30, ratio 3:1, id 42:short")
        #expect(TokenRedaction.redact("no colon here") == "no colon here")
    }

    @Test("JSON lines carry metadata, mask tokens, and warnings with a bot are kept as recent errors")
    func jsonLogs() throws {
        let lines = Mutex<[String]>([])
        let recent = RecentErrors(capacity: 2)
        var logger = Logger(label: "test") { label in
            HostLogHandler(
                logLevel: .info, label: label, format: .json, recentErrors: recent,
                output: LogOutput { line in lines.withLock { $0.append(line) } })
        }
        logger[metadataKey: "bot"] = "han-ru"
        logger.info("hello", metadata: ["chat": "42"])
        logger.error("sending failed with \(Self.token)")
        logger.warning("second")
        logger.warning("third")
        logger.debug("not written")
        let written = lines.withLock { $0 }
        #expect(written.count == 4)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: String])
        #expect(first["bot"] == "han-ru")
        #expect(first["chat"] == "42")
        #expect(first["level"] == "info")
        #expect(first["message"] == "hello")
        #expect(first["ts"] != nil)
        #expect(!written.joined().contains(String(repeating: "x", count: 32)))
        #expect(recent.entries(for: "han-ru").map(\.message) == ["third", "second"])
    }

    @Test("text lines put metadata before the message")
    func textLogs() {
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "aviary") { label in
            HostLogHandler(
                logLevel: .info, label: label, format: .text, recentErrors: nil,
                output: LogOutput { line in lines.withLock { $0.append(line) } })
        }
        logger.info("bot started", metadata: ["bot": "alpha"])
        let line = lines.withLock { $0.first } ?? ""
        #expect(line.hasSuffix(" info bot=alpha [aviary] bot started\n"))
    }

    @Test("webhook secrets are stable, differ per bot and host, and fit Telegram's alphabet")
    func webhookSecrets() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("host.secret").path
        let first = try HostSecret.load(path: path, environment: [:])
        let again = try HostSecret.load(path: path, environment: [:])
        #expect(first.webhookSecret(for: "a") == again.webhookSecret(for: "a"))
        #expect(first.webhookSecret(for: "a") != first.webhookSecret(for: "b"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let other = try HostSecret.load(path: path, environment: ["AVIARY_HOST_SECRET": "another-long-host-secret"])
        #expect(other.webhookSecret(for: "a") != first.webhookSecret(for: "a"))
        #expect(first.webhookSecret(for: "a").range(of: "^[A-Za-z0-9_-]{43}$", options: .regularExpression) != nil)
        #expect(throws: HostSecretError.self) { try HostSecret.load(path: path, environment: ["AVIARY_HOST_SECRET": "short"]) }
    }

    @Test("tokens are matched by digest: admin, brand, or nobody")
    func apiTokens() throws {
        let hanHex = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"  // sha256("password")
        let tokens = APITokens(
            admin: APITokens.digest(of: "admin-token-123456"), brands: ["han": try #require(APITokens.digest(hex: hanHex))])
        #expect(tokens.caller(for: "admin-token-123456") == .admin)
        #expect(tokens.caller(for: "password") == .brand("han"))
        #expect(tokens.caller(for: "guess") == nil)
        #expect(APITokens.digest(hex: "xyz") == nil)
        #expect(APITokens.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!APITokens.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!APITokens.constantTimeEqual([1, 2], [1, 2, 3]))
    }

    @Test("the host config names the file and key that are wrong")
    func hostConfig() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("aviary.yaml").path
        try "api:\n  brand_tokens:\n    han: not-a-digest\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try HostConfig.load(path: path)
        } throws: { error in
            "\(error)".contains("api.brand_tokens.han: not a SHA-256 digest")
        }
        try "api:\n  admin_token_file: \(folder.path)/missing\n".write(toFile: path, atomically: true, encoding: .utf8)
        let config = try HostConfig.load(path: path)
        #expect(throws: HostConfigError.self) { try config.apiTokens(environment: [:]) }
        #expect(try config.apiTokens(environment: ["AVIARY_ADMIN_TOKEN": "admin-token-123456"]).admin != nil)
        #expect(throws: HostConfigError.self) { try HostConfig().apiTokens(environment: ["AVIARY_ADMIN_TOKEN": "short"]) }
    }

    @Test("the host config's http section sets timeouts, the connection cap and trusted proxies, each checked")
    func httpConfig() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("aviary.yaml").path
        try """
            http:
              trusted_proxies: [127.0.0.1, "::1", 10.0.0.0/8]
              idle_timeout_seconds: 5
              request_timeout_seconds: 7
              max_connections: 64
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try HostConfig.load(path: path)
        #expect(config.http.idleTimeout == .seconds(5))
        #expect(config.http.requestTimeout == .seconds(7))
        #expect(config.http.maximumConnections == 64)
        #expect(config.http.trustedProxies.entries == ["127.0.0.1", "::1", "10.0.0.0/8"])
        #expect(config.http.trustedProxies.isTrusted("10.20.30.40"))
        #expect(!config.http.trustedProxies.isTrusted("11.0.0.1"))
        for (yaml, complaint) in [
            ("http:\n  trusted_proxies: [proxy.local]\n", "http.trusted_proxies: 'proxy.local' is not an IP address"),
            ("http:\n  max_connections: 0\n", "http.max_connections: 0 is out of range"),
            ("http:\n  idle_timeout_seconds: -1\n", "http.idle_timeout_seconds: -1 is out of range"),
        ] {
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            #expect { try HostConfig.load(path: path) } throws: { "\($0)".contains(complaint) }
        }
    }

    @Test("the host config's storage section bounds open databases and their idle time")
    func storageConfig() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("aviary.yaml").path
        #expect(HostConfig().openDatabases(openFiles: 20_000).limit == 1_000)
        #expect(HostConfig().openDatabases(openFiles: 1_024).limit == 128)
        #expect(HostConfig().openDatabases(openFiles: 20_000).idleTimeout == .seconds(30))
        try "storage:\n  max_open_databases: 16\n  idle_close_seconds: 5\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let databases = try HostConfig.load(path: path).openDatabases(openFiles: 20_000)
        #expect(databases.limit == 16)
        #expect(databases.idleTimeout == .seconds(5))
    }

    @Test("failed attempts drain an address's allowance, which refills with time")
    func failedAuthLimiter() {
        let limiter = FailedAuthLimiter(burst: 2, interval: .seconds(10))
        let start = ContinuousClock.now
        #expect(limiter.retryAfter(for: "1.2.3.4", now: start) == nil)
        limiter.recordFailure(from: "1.2.3.4", now: start)
        limiter.recordFailure(from: "1.2.3.4", now: start)
        let wait = limiter.retryAfter(for: "1.2.3.4", now: start)
        #expect(wait == .seconds(10))
        #expect(limiter.retryAfter(for: "5.6.7.8", now: start) == nil)
        #expect(limiter.retryAfter(for: "1.2.3.4", now: start + .seconds(10)) == nil)
    }
}
