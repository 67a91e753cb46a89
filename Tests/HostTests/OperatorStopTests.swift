import AsyncHTTPClient
import CoreMetrics
import Foundation
import GRDB
import Logging
import Storage
import Testing
@testable import Host
import Tenant

/// State an operator expects to stick (#18 item 5): a stop outlives the host, and a broken
/// manifest says, on its bot, that the last good version runs and why.
@Suite("Operator stops and last good manifests", .serialized, .timeLimit(.minutes(3)))
struct OperatorStopTests {
    static func manifest(_ id: String, text: String = "Hi") -> String {
        """
        id: \(id)
        platform: sandbox
        plugins:
          - replies:
              commands:
                start: "\(text)"
        """
    }

    /// A supervisor over `sandbox` keeping its stops in `stops`, logging into `recentErrors`.
    static func start(_ sandbox: HostSandbox, stops: OperatorStops, recentErrors: RecentErrors = RecentErrors())
        -> (Supervisor, Task<Void, any Error>)
    {
        let logger = Logger(label: "operator-stop-test") { label in
            HostLogHandler(
                logLevel: .info, label: label, format: .text, recentErrors: recentErrors, output: LogOutput { _ in })
        }
        let options = HostOptions(botsDirectory: sandbox.botsDirectory, dataDirectory: sandbox.dataDirectory)
        let supervisor = Supervisor(
            options: options, loader: ManifestLoader(registry: .builtIn(), environment: [:]),
            factory: TenantFactory(
                options: options, httpClient: HTTPClient.shared, secret: HostSecret(Data(repeating: 7, count: 32)),
                metricsFactory: NOOPMetricsHandler.instance),
            logger: logger, stops: stops)
        return (supervisor, Task { try await supervisor.run() })
    }

    static func stop(_ task: Task<Void, any Error>) async {
        task.cancel()
        do {
            try await task.value
        } catch {
            Issue.record(error, "the supervisor threw on shutdown")
        }
    }

    /// Waits until `beta` runs and `alpha` has settled, running or stopped.
    static func settled(_ supervisor: Supervisor) async -> [String: TenantState] {
        await supervisor.table.wait { states in
            states["beta"] == .running && [.running, .stopped].contains(states["alpha"])
        }
    }

    @Test("the reproduction: a bot stopped by an operator stays stopped across a host restart until started")
    func stopOutlivesRestart() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("alpha", Self.manifest("alpha"))
        try sandbox.writeManifest("beta", Self.manifest("beta"))
        let stops = OperatorStops(database: try HostDatabase(writer: DatabaseQueue()))

        let (first, firstTask) = Self.start(sandbox, stops: stops)
        #expect(await Self.settled(first)["alpha"] == .running)
        try await first.perform(.stop, on: "alpha")
        await Self.stop(firstTask)

        let (second, secondTask) = Self.start(sandbox, stops: stops)
        #expect(await Self.settled(second)["alpha"] == .stopped)
        #expect(second.table["alpha"]?.stoppedByOperator == true)
        try await second.perform(.start, on: "alpha")
        await Self.stop(secondTask)

        let (third, thirdTask) = Self.start(sandbox, stops: stops)
        #expect(await Self.settled(third)["alpha"] == .running)
        await Self.stop(thirdTask)
        #expect(try await stops.ids() == [])
    }

    @Test("a kept stop ends with its manifest: removed while the host is down, the bot starts when it returns")
    func stopEndsWithManifest() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("alpha", Self.manifest("alpha"))
        try sandbox.writeManifest("beta", Self.manifest("beta"))
        let stops = OperatorStops(database: try HostDatabase(writer: DatabaseQueue()))
        try await stops.stopped("alpha")
        try sandbox.removeManifest("alpha")

        let (first, firstTask) = Self.start(sandbox, stops: stops)
        _ = await first.table.wait { $0["beta"] == .running }
        await Self.stop(firstTask)
        #expect(try await stops.ids() == [])

        try sandbox.writeManifest("alpha", Self.manifest("alpha"))
        let (second, secondTask) = Self.start(sandbox, stops: stops)
        #expect(await Self.settled(second)["alpha"] == .running)
        await Self.stop(secondTask)
    }

    @Test("after a bad reload the bot says it runs its last good manifest, and which errors hold the new one back")
    func lastGoodIsShown() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("alpha", Self.manifest("alpha"))
        try sandbox.writeManifest("beta", Self.manifest("beta"))
        let recentErrors = RecentErrors()
        let (supervisor, task) = Self.start(
            sandbox, stops: OperatorStops(database: try HostDatabase(writer: DatabaseQueue())),
            recentErrors: recentErrors)
        _ = await Self.settled(supervisor)
        #expect(supervisor.table["alpha"]?.manifestErrors == [])

        try sandbox.writeManifest("alpha", Self.manifest("alpha") + "\nplugns: []\n")
        let report = await supervisor.reload()
        #expect(report.keptLastGood == ["alpha"])
        let held = supervisor.table["alpha"]?.manifestErrors ?? []
        #expect(held.count == 1 && held.allSatisfy { $0.contains("alpha.yaml") && $0.contains("plugns") }, "\(held)")
        #expect(supervisor.table["beta"]?.manifestErrors == [])
        #expect(recentErrors.entries(for: "alpha").contains { $0.message.contains("plugns") })
        #expect(recentErrors.entries(for: "beta").isEmpty)

        try await supervisor.perform(.stop, on: "alpha")
        #expect(await supervisor.reload().errors.count == 1)
        #expect(supervisor.table["alpha"]?.manifestErrors == held, "a stopped bot says it too")

        try sandbox.writeManifest("alpha", Self.manifest("alpha", text: "Hello"))
        _ = await supervisor.reload()
        #expect(supervisor.table["alpha"]?.manifestErrors == [])
        await Self.stop(task)
    }
}
