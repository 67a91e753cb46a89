import AsyncHTTPClient
import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import Host
import Tenant

/// Readiness is "every bot settled" (#18 item 6): a bot that retries (no network) is settled but
/// failing, named with its reason, so a host without network still turns ready.
@Suite("Readiness", .timeLimit(.minutes(2)))
struct ReadinessTests {
    /// The first failure of a refused connection takes the HTTP client's request deadline (about
    /// 30 s here): readiness waits for it, bounded by the suite's limit.
    @Test("the reproduction: a Telegram bot that cannot reach its platform is retrying, and the host is ready")
    func retryingBotIsSettled() async throws {
        let sandbox = try HostSandbox()
        let unreachable = try #require(URL(string: "http://127.0.0.1:9"))
        try sandbox.writeManifest(
            "offline",
            BinaryEndToEndTests.manifest(
                id: "offline", token: "3900:" + String(repeating: "o", count: 35), apiURL: unreachable,
                plugins: BinaryEndToEndTests.echo))
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        let recentErrors = RecentErrors()
        let logger = Logger(label: "readiness-test") { label in
            HostLogHandler(
                logLevel: .info, label: label, format: .text, recentErrors: recentErrors, output: LogOutput { _ in })
        }
        let supervisor = Supervisor.forTesting(sandbox, logger: logger)
        supervisor.readiness.watch(recentErrors)
        #expect(!supervisor.readiness.isReady, "nothing has settled before the first scan")
        let task = Task { try await supervisor.run() }

        let report = await supervisor.readiness.ready()
        #expect(report.isReady)
        let offline = report.bots.first { $0.id == "offline" }
        #expect(offline?.status == "retrying", "\(report.text)")
        #expect(offline?.detail?.contains("cannot reach the platform") == true, "\(report.text)")
        #expect(report.text.hasPrefix("ready\n"))
        #expect(report.text.contains("gamma: running"), "\(report.text)")
        #expect(supervisor.table["offline"]?.state == .starting, "it keeps retrying")

        task.cancel()
        try await task.value
        #expect(!supervisor.readiness.isReady, "not ready once shutdown began")
        #expect(await supervisor.readiness.ready().shuttingDown)
    }

    @Test("/readyz answers 200 with one line per bot once every bot settled; it needs no token")
    func readyzBody() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        _ = await host.supervisor.readiness.ready()
        try await host.withClient { client in
            let answer = try await client.execute(uri: "/readyz", method: .get)
            #expect(answer.status == .ok)
            let text = String(buffer: answer.body)
            #expect(text == "ready\nalpha: running\nbeta: running\ngamma: running\n", "\(text)")
        }
    }
}
