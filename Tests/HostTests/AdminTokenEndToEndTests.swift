import Foundation
import NIOHTTP1
import Testing
@testable import Host

/// A host run without an admin token makes `<data-dir>/admin.token` on its first run and says
/// where it is, never what it is (#18 item 6).
@Suite("Admin token made on first run, end to end", .serialized, .timeLimit(.minutes(5)))
struct AdminTokenEndToEndTests {
    @Test("the reproduction: without AVIARY_ADMIN_TOKEN the host makes admin.token (0600) and the API takes it")
    func madeOnFirstRun() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        let path = sandbox.dataDirectory + "/admin.token"
        let first = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await first.httpPort())")
        let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 48 && token.allSatisfy(\.isHexDigit), "\(token.count) characters")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(first.log.contains("made an admin token in \(path)"), "\(first.log)")
        #expect(!first.log.contains(token), "the log never carries the token")
        for (header, status) in [("Bearer \(token)", 200), ("Bearer wrong-\(token)", 401), (nil, 401)] {
            let headers = header.map { [("Authorization", $0)] } ?? []
            let answer = try await probe.call(.GET, "/api/v1/bots", headers: headers)
            #expect(answer.status == status, "\(header ?? "no token")")
        }
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)

        let second = try AviaryProcess(
            arguments: sandbox.runArguments, logPath: sandbox.root.appendingPathComponent("second.log").path)
        let again = HTTPProbe(baseURL: "http://127.0.0.1:\(try await second.httpPort())")
        #expect(second.log.contains("the admin token is in \(path)"), "\(second.log)")
        let bots = try await again.call(.GET, "/api/v1/bots", headers: [("Authorization", "Bearer \(token)")])
        #expect(bots.status == 200, "the same token after a restart")
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }

    @Test("with AVIARY_ADMIN_TOKEN no file is made")
    func notMadeWithToken() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        let host = try AviaryProcess(
            arguments: sandbox.runArguments, environment: ["AVIARY_ADMIN_TOKEN": String(repeating: "t", count: 32)],
            logPath: sandbox.logPath)
        _ = try await host.httpPort()
        #expect(!FileManager.default.fileExists(atPath: sandbox.dataDirectory + "/admin.token"))
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }
}
