import Foundation
import NIOHTTP1
import Testing

/// The real binary: a bot stopped through the API is still stopped after the host restarts,
/// because the stop is kept in `<data-dir>/host.sqlite` (#18 item 5).
@Suite("Operator stop across a restart, end to end", .serialized, .timeLimit(.minutes(5)))
struct OperatorStopEndToEndTests {
    static let admin = "stop-admin-" + String(repeating: "s", count: 21)

    @Test("the reproduction: stop a bot through the API, restart the host, and it is still stopped")
    func stopOutlivesRestart() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        let headers = [("Authorization", "Bearer \(Self.admin)")]
        let first = try AviaryProcess(
            arguments: sandbox.runArguments, environment: ["AVIARY_ADMIN_TOKEN": Self.admin], logPath: sandbox.logPath)
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await first.httpPort())")
        try await first.waitForLog("reload: 1 started (gamma)")
        let stopped = try await probe.call(.POST, "/api/v1/bots/gamma/stop", headers: headers)
        #expect(stopped.status == 200, "\(stopped.text)")
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)

        let second = try AviaryProcess(
            arguments: sandbox.runArguments, environment: ["AVIARY_ADMIN_TOKEN": Self.admin],
            logPath: sandbox.root.appendingPathComponent("second.log").path)
        let again = HTTPProbe(baseURL: "http://127.0.0.1:\(try await second.httpPort())")
        try await second.waitForLog("reload: no changes; 0 unchanged")
        let detail = try await again.call(.GET, "/api/v1/bots/gamma", headers: headers)
        #expect(detail.text.contains(#""state":"stopped""#), "\(detail.text)")
        #expect(detail.text.contains(#""stopped_by_operator":true"#), "\(detail.text)")
        let started = try await again.call(.POST, "/api/v1/bots/gamma/start", headers: headers)
        #expect(started.status == 200, "\(started.text)")
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }
}
