import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import Testing
@testable import Host
import Tenant

/// "Signals that arrive during a reload collapse into one more reload."
@Suite("Reload promises: a burst of requests", .timeLimit(.minutes(2)))
struct ReloadBurstPromiseTests {
    @Test("50 reload requests in a burst (SIGHUP's path) make at most two reloads")
    func burstCollapses() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        let lines = LogLines()
        let logger = Logger(label: "reload-burst-test") { _ in ReloadPollerPromiseTests.CapturedLog(lines: lines) }
        let supervisor = Supervisor.forTesting(sandbox, logger: logger)
        let task = Task { try await supervisor.run() }
        defer { task.cancel() }
        _ = await supervisor.table.wait { $0["gamma"] == .running }
        func reloads() -> Int { lines.all.filter { $0.contains("reload: ") }.count }
        let before = reloads()
        #expect(before == 1, "the scan at start is logged like a reload")
        for _ in 0..<50 { supervisor.requestReload() }
        let report = await supervisor.reload()
        #expect(report.unchanged == ["gamma"])
        #expect(reloads() - before <= 2, "\(lines.all.filter { $0.contains("reload: ") })")
        task.cancel()
        await #expect(throws: Never.self, "the supervisor stops without an error") { try await task.value }
    }
}
