import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Storage
import Testing
@testable import Host

/// The host config read again on reload: brand tokens added, removed, replaced and renamed take
/// effect without a restart; a bad config keeps the last good one and says why.
@Suite("Host config reload", .serialized, .timeLimit(.minutes(3)))
struct HostConfigReloadTests {
    static let newToken = "brand-nova-" + String(repeating: "n", count: 21)

    static func hex(_ token: String) -> String {
        APITokens.digest(of: token).map { String(format: "%02x", $0) }.joined()
    }

    /// A config naming `brands` (brand → token), with display names.
    static func config(_ brands: [String: String], names: [String: String] = [:]) -> String {
        var lines =
            ["api:", "  brand_tokens:"] + brands.sorted { $0.key < $1.key }.map { "    \($0.key): \(hex($0.value))" }
        if !names.isEmpty {
            lines += ["  brand_names:"] + names.sorted { $0.key < $1.key }.map { "    \($0.key): \($0.value)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("tokens added, renamed, refused and removed: each reload's outcome in force at once, and in the audit log")
    func reloads() async throws {
        let folder = try ManifestFolder()
        let path = try folder.write("aviary.yaml", Self.config(["han": HTTPTestHost.hanToken]))
        let initial = try HostConfig.load(path: path, environment: [:])
        let tokens = LiveTokens(try initial.apiTokens(environment: [:]))
        let sessions = DashboardSessions()
        let audit = AuditLog(database: try HostDatabase(writer: DatabaseQueue()), logger: Logger(label: "test"))
        let reloader = HostConfigReloader(
            path: path,
            initial: initial,
            tokens: tokens,
            sessions: sessions,
            audit: audit,
            logger: Logger(label: "test"),
            environment: [:]
        )
        let hanSession = sessions.open(for: .brand("han"))

        _ = try folder.write(
            "aviary.yaml",
            Self.config(["han": HTTPTestHost.hanToken, "nova": Self.newToken], names: ["han": "Han ops"])
        )
        #expect(await reloader.reload(actor: "signal") == [])
        #expect(tokens.current.caller(for: Self.newToken) == .brand("nova"))
        #expect(tokens.current.displayNames["han"] == "Han ops")
        #expect(sessions.session(id: hanSession.id) != nil, "an unchanged token keeps its sessions")

        _ = try folder.write("aviary.yaml", "api:\n  brand_tokns: {}\n")
        let refused = await reloader.reload(actor: "signal")
        #expect(
            refused.first?.hasSuffix(
                "aviary.yaml:2: api.brand_tokns: unknown key; did you mean 'brand_tokens'? "
                    + "(the last good host config stays in force)"
            ) == true,
            "\(refused)"
        )
        #expect(tokens.current.caller(for: Self.newToken) == .brand("nova"), "the last good config stays in force")

        _ = try folder.write("aviary.yaml", Self.config(["nova": Self.newToken]))
        #expect(await reloader.reload(actor: "signal") == [])
        #expect(tokens.current.caller(for: HTTPTestHost.hanToken) == nil)
        #expect(sessions.session(id: hanSession.id) == nil, "a removed token's sessions end")

        let records = try await audit.records(AuditQuery()).reversed().map(\.entry)
        #expect(records.map(\.outcome) == ["ok", "kept_last_good", "ok"])
        #expect(records.first?.detail == "brand han renamed: (none) → \"Han ops\"\nbrand token added: nova")
        #expect(records.last?.detail == "brand token removed: han")
    }

    @Test("POST /api/v1/reload reads the host config: a brand token added to it works on the next call")
    func reloadThroughTheAPI() async throws {
        let started = try await HTTPTestHost.start()
        defer { Task { await started.stop() } }
        var host = started
        let path = host.sandbox.root.appendingPathComponent("aviary.yaml").path
        try Self.config(["han": HTTPTestHost.hanToken]).write(toFile: path, atomically: true, encoding: .utf8)
        host.surface.hostConfig = HostConfigReloader(
            path: path,
            initial: try HostConfig.load(path: path, environment: [:]),
            tokens: host.surface.tokens,
            sessions: host.surface.sessions,
            audit: host.surface.audit,
            logger: Logger(label: "test"),
            environment: ["AVIARY_ADMIN_TOKEN": HTTPTestHost.adminToken]
        )
        try Self.config(["han": HTTPTestHost.hanToken, "nova": Self.newToken])
            .write(toFile: path, atomically: true, encoding: .utf8)
        try await host.withClient { client in
            let before = try await ManifestAPITests.call(client, .get, "/api/v1/bots", as: Self.newToken)
            #expect(before.status == .unauthorized)
            let reload = try await ManifestAPITests.call(client, .post, "/api/v1/reload", as: HTTPTestHost.adminToken)
            #expect(reload.status == .ok, "\(reload.body)")
            let after = try await ManifestAPITests.call(client, .get, "/api/v1/bots", as: Self.newToken)
            #expect(after.status == .ok, "\(after.body)")
            let audit = try await ManifestAPITests.call(client, .get, "/api/v1/audit", as: HTTPTestHost.adminToken)
            #expect(audit.body.contains("brand token added: nova"), "\(audit.body)")
        }
    }

    @Test("remote_plugins follows the reload: a manifest validated before is checked again under the new hosts")
    func remotePolicyReloads() async throws {
        let folder = try ManifestFolder()
        // An inline secret: the manifest's outcome is kept by the loader between scans.
        let bot = try folder.write(
            "bot.yaml",
            ManifestRemotePluginTests.manifest([
                "name: a, url: 'http://127.0.0.1:9100/x', secret: '\(ManifestRemotePluginTests.secret)'"
            ])
        )
        let path = try folder.write("aviary.yaml", "remote_plugins:\n  allowed_hosts: [127.0.0.1]\n")
        let initial = try HostConfig.load(path: path, environment: [:])
        let policy = LiveRemotePluginPolicy(initial.remotePlugins)
        let loader = ManifestLoader(registry: .builtIn(), environment: [:], remotePolicy: policy)
        let audit = AuditLog(database: try HostDatabase(writer: DatabaseQueue()), logger: Logger(label: "test"))
        let reloader = HostConfigReloader(
            path: path, initial: initial, tokens: LiveTokens(try initial.apiTokens(environment: [:])),
            remotePolicy: policy, sessions: DashboardSessions(), audit: audit, logger: Logger(label: "test"),
            environment: [:])
        #expect(throws: Never.self) { try loader.load(file: bot).get() }

        _ = try folder.write("aviary.yaml", "remote_plugins:\n  allowed_hosts: [plugins.internal]\n")
        #expect(await reloader.reload(actor: "signal") == [])
        guard case .failure(let refused) = loader.load(file: bot) else {
            Issue.record("the manifest passed under hosts that no longer allow its plugin")
            return
        }
        #expect(
            refused.errors.map { folder.relative($0.description) } == [
                "bot.yaml:3: plugins[0].remote.url: the host config does not allow remote plugins at 127.0.0.1:9100 "
                    + "(remote_plugins.allowed_hosts); ask the host's admin"
            ])

        _ = try folder.write("aviary.yaml", "remote_plugins:\n  allowed_hosts: [127.0.0.1, plugins.internal]\n")
        #expect(await reloader.reload(actor: "signal") == [])
        #expect(throws: Never.self) { try loader.load(file: bot).get() }
        let records = try await audit.records(AuditQuery()).map(\.entry)
        #expect(records.allSatisfy { $0.detail == "remote plugin hosts changed (remote_plugins)" }, "\(records)")
    }
}
