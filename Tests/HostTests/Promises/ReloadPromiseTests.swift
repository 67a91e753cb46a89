import FakeBotAPI
import Foundation
import Testing
@testable import Host
import Tenant

/// The README's "Reload", promise by promise, on the supervisor in-process.
@Suite("Reload promises", .timeLimit(.minutes(3)))
struct ReloadPromiseTests {
    static func manifest(_ id: String, _ token: String, _ running: SupervisorTests.Running, enabled: Bool = true,
                         name: String? = nil) -> String
    {
        var text = BinaryEndToEndTests.manifest(id: id, token: token, apiURL: running.fake.baseURL,
                                                plugins: BinaryEndToEndTests.echo)
        if let name { text = text.replacingOccurrences(of: "name: \(id) bot", with: "name: \(name)") }
        return "enabled: \(enabled)\n" + text
    }

    @Test("a manifest disabled then enabled again: the bot stops, then starts and answers")
    func disableThenEnable() async throws {
        let token = SupervisorTests.token("1")
        let running = try await SupervisorTests.start(bots: [("toggle", token, BinaryEndToEndTests.echo)])
        defer { running.task.cancel() }
        _ = await running.supervisor.table.wait { $0["toggle"] == .running }

        try running.sandbox.writeManifest("toggle", Self.manifest("toggle", token, running, enabled: false))
        let disabled = await running.supervisor.reload()
        #expect(disabled.stopped == ["toggle"])
        #expect(disabled.started.isEmpty && disabled.restarted.isEmpty)

        try running.sandbox.writeManifest("toggle", Self.manifest("toggle", token, running, enabled: true))
        let enabled = await running.supervisor.reload()
        #expect(enabled.started == ["toggle"])
        _ = await running.supervisor.table.wait { $0["toggle"] == .running }
        let user = FakeUser(id: 11, firstName: "Eve")
        running.fake.sendText(token: token, chatID: user.id, from: user, text: "back?")
        let sent = try await running.fake.waitForSentMessages(token: token, count: 1, timeout: .seconds(90))
        #expect(sent.map(\.text) == ["back?"])
        running.task.cancel()
        await #expect(throws: Never.self, "the supervisor stops without an error") { try await running.task.value }
        await running.fake.stop()
    }

    @Test("a bot an operator stopped stays stopped when its manifest changes, and starts in its new version")
    func operatorStoppedBotWithChangedManifest() async throws {
        let token = SupervisorTests.token("2")
        let running = try await SupervisorTests.start(bots: [("held", token, BinaryEndToEndTests.echo)])
        defer { running.task.cancel() }
        _ = await running.supervisor.table.wait { $0["held"] == .running }
        try await running.supervisor.perform(.stop, on: "held")

        try running.sandbox.writeManifest("held", Self.manifest("held", token, running, name: "Renamed"))
        let report = await running.supervisor.reload()
        #expect(report.started.isEmpty && report.restarted.isEmpty, "\(report)")
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(await running.supervisor.table.wait { _ in true }["held"] == .stopped)

        try await running.supervisor.perform(.start, on: "held")
        _ = await running.supervisor.table.wait { $0["held"] == .running }
        #expect(running.supervisor.table.all.first { $0.manifest.id == "held" }?.manifest.name == "Renamed", "the new version runs")
        let user = FakeUser(id: 12, firstName: "Finn")
        running.fake.sendText(token: token, chatID: user.id, from: user, text: "hello")
        let sent = try await running.fake.waitForSentMessages(token: token, count: 1, timeout: .seconds(90))
        #expect(sent.map(\.text) == ["hello"])
        running.task.cancel()
        await #expect(throws: Never.self, "the supervisor stops without an error") { try await running.task.value }
        await running.fake.stop()
    }
}
