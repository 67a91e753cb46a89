import FakeBotAPI
import Foundation
import Tenant
import Testing
@testable import Host

/// The README: a webhook bot needs `--public-url`; without it, that bot fails alone and says
/// what to do, and the host's other bots run.
@Suite("Webhook bot without a public URL", .timeLimit(.minutes(3)))
struct WebhookPublicURLPromiseTests {
    @Test("a webhook bot on a host without --public-url fails alone, naming the option; a polling bot answers")
    func failsAloneWithoutPublicURL() async throws {
        let tokens = ["hooked": SupervisorTests.token("1"), "polled": SupervisorTests.token("2")]
        let running = try await SupervisorTests.start(
            bots: [("hooked", tokens["hooked"]!, "  - echo"), ("polled", tokens["polled"]!, "  - echo")])
        _ = await running.supervisor.table.wait { $0["hooked"] == .running && $0["polled"] == .running }
        // Turn "hooked" into a webhook bot and reload: the host has no public URL.
        let manifest = BinaryEndToEndTests.manifest(
            id: "hooked", token: tokens["hooked"]!, apiURL: running.fake.baseURL, plugins: "  - echo"
        ).replacingOccurrences(of: "  poll_timeout: 1", with: "  poll_timeout: 1\n  mode: webhook")
        try running.sandbox.writeManifest("hooked", manifest)
        let report = await running.supervisor.reload()
        #expect(report.restarted == ["hooked"], "\(report)")

        let states = await running.supervisor.table.wait { states in
            if case .failed = states["hooked"] { return true }
            return false
        }
        guard case .failed(let reason) = states["hooked"] else {
            Issue.record("expected hooked to fail, got \(String(describing: states["hooked"]))")
            return
        }
        #expect(reason.contains("--public-url"), "\(reason)")

        let user = FakeUser(id: 11, firstName: "Ida")
        running.fake.sendText(token: tokens["polled"]!, chatID: user.id, from: user, text: "still here")
        let sent = try await running.fake.waitForSentMessages(token: tokens["polled"]!, count: 1, timeout: .seconds(90))
        #expect(sent.map(\.text) == ["still here"])
        running.task.cancel()
        try await running.task.value
        await running.fake.stop()
    }
}
