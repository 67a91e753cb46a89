import Foundation
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The host config re-read by `SIGHUP` in the real binary: a brand token added works without a
/// restart, a broken config keeps it working, and the audit log that records both verifies.
@Suite("Host config reload under SIGHUP", .serialized, .timeLimit(.minutes(3)))
struct HostConfigSignalEndToEndTests {
    static let admin = "signal-admin-" + String(repeating: "q", count: 19)

    @Test("the reproduction: a brand token added to aviary.yaml works after SIGHUP; a broken file keeps the last good one")
    func sighupReloadsTheHostConfig() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        let config = sandbox.root.appendingPathComponent("aviary.yaml").path
        try HostConfigReloadTests.config(["han": HTTPTestHost.hanToken])
            .write(toFile: config, atomically: true, encoding: .utf8)
        let host = try AviaryProcess(
            arguments: sandbox.runArguments + ["--config", config], environment: ["AVIARY_ADMIN_TOKEN": Self.admin],
            logPath: sandbox.logPath)
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        let nova = [("Authorization", "Bearer \(HostConfigReloadTests.newToken)")]
        #expect(try await probe.call(.GET, "/api/v1/bots", headers: nova).status == 401)

        try HostConfigReloadTests.config(
            ["han": HTTPTestHost.hanToken, "nova": HostConfigReloadTests.newToken], names: ["nova": "Nova team"]
        ).write(toFile: config, atomically: true, encoding: .utf8)
        host.signal(SIGHUP)
        try await host.waitForLog("host config reloaded")
        #expect(try await probe.call(.GET, "/api/v1/bots", headers: nova).status == 200)

        try "api:\n  brand_tokns: {}\n".write(toFile: config, atomically: true, encoding: .utf8)
        host.signal(SIGHUP)
        try await host.waitForLog("host config refused")
        #expect(host.log.contains("aviary.yaml:2: api.brand_tokns: unknown key; did you mean 'brand_tokens'?"))
        #expect(try await probe.call(.GET, "/api/v1/bots", headers: nova).status == 200)
        #expect(!host.log.contains(HostConfigReloadTests.newToken))
        // The start's scan and both SIGHUPs' are done, their audit records written.
        try await host.waitForLog("reload: ", count: 3)
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)

        let verify = try AviaryProcess(
            arguments: ["audit", "verify", "--data-dir", sandbox.dataDirectory],
            logPath: sandbox.root.appendingPathComponent("verify.log").path)
        #expect(try await verify.waitForExit() == 0)
        #expect(verify.log.contains("audit log intact: 4 record(s)"), "\(verify.log)")
    }
}
