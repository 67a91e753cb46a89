import AsyncHTTPClient
import CoreMetrics
import FakeBotAPI
import Foundation
import Logging
import Synchronization
import Testing
@testable import Host
import Tenant

/// "A changed manifest: the bot drains, then its new version starts (never two pollers on one token)."
@Suite("Reload promises: one poller per token", .timeLimit(.minutes(3)))
struct ReloadPollerPromiseTests {
    /// Keeps every log message, from every bot, at every level.
    struct CapturedLog: LogHandler {
        let lines: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            lines.append("\(event.level) \(event.message)")
        }
    }

    @Test("restarting a changed bot three times: no getUpdates is ever answered 409, and the new version answers")
    func noConflictAcrossRestarts() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let token = SupervisorTests.token("3")
        fake.addBot(token: token, userID: 5100, username: "changer_bot")
        let sandbox = try HostSandbox()
        func manifest(_ name: String) -> String {
            BinaryEndToEndTests.manifest(id: "changer", token: token, apiURL: fake.baseURL, plugins: BinaryEndToEndTests.echo)
                .replacingOccurrences(of: "name: changer bot", with: "name: \(name)")
        }
        try sandbox.writeManifest("changer", manifest("Version 0"))
        let lines = LogLines()
        let logger = Logger(label: "reload-poller-test") { _ in CapturedLog(lines: lines) }
        let supervisor = Supervisor.forTesting(sandbox, logger: logger)
        let task = Task { try await supervisor.run() }
        defer { task.cancel() }
        let user = FakeUser(id: 13, firstName: "Gus")
        for version in 1...3 {
            _ = await supervisor.table.wait { $0["changer"] == .running }
            // The bot answers, then a long poll is in flight while the manifest changes.
            fake.sendText(token: token, chatID: user.id, from: user, text: "before \(version)")
            _ = try await fake.waitForSentMessages(token: token, count: 2 * version - 1, timeout: .seconds(90))
            try sandbox.writeManifest("changer", manifest("Version \(version)"))
            let report = await supervisor.reload()
            #expect(report.restarted == ["changer"])
            _ = await supervisor.table.wait { $0["changer"] == .running }
            fake.sendText(token: token, chatID: user.id, from: user, text: "after \(version)")
            _ = try await fake.waitForSentMessages(token: token, count: 2 * version, timeout: .seconds(90))
        }
        task.cancel()
        await #expect(throws: Never.self, "the supervisor stops without an error") { try await task.value }
        await fake.stop()
        let conflicts = lines.all.filter { $0.contains("409") }
        #expect(conflicts.isEmpty, "\(conflicts)")
        #expect(!lines.all.isEmpty, "the log was captured")
    }
}

/// Log lines shared between the handlers a logger makes.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }
}
