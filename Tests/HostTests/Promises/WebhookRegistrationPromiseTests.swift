import FakeBotAPI
import Foundation
import Testing
@testable import Host

/// The README: a webhook bot registers with `setWebhook` "with `allowed_updates` from its plugins,
/// `max_connections` from the manifest", and "switching a bot back to `mode: polling` calls
/// `deleteWebhook` (keeping pending updates) before it polls".
@Suite("Webhook promises: registration and the way back to polling", .timeLimit(.minutes(3)))
struct WebhookRegistrationPromiseTests {
    /// Bot `hook`'s token at the fake.
    static let token = "6400:" + String(repeating: "h", count: 35)

    /// Bot `hook` in `mode`, with `max_connections: 7` and the replies and echo plugins.
    static func manifest(_ apiURL: URL, mode: String) -> String {
        PromiseHost.manifest(
            id: "hook", token: token, apiURL: apiURL,
            plugins: ["replies:\n      commands:\n        start: \"Hello\"", "echo"],
            telegram: ["mode: \(mode)", "max_connections: 7"])
    }

    @Test("setWebhook carries max_connections and allowed_updates; back to polling, the pending update is answered")
    func registrationAndBack() async throws {
        // Nothing listens at the public URL: Telegram's deliveries fail, so updates stay pending there.
        let publicURL = URL(string: "http://127.0.0.1:\(try LoopbackPort.unused())")!
        let host = try await PromiseHost.start(publicURL: publicURL) { fake, sandbox in
            fake.addBot(token: Self.token, userID: 6400, username: "hook_bot")
            try sandbox.writeManifest("hook", Self.manifest(fake.baseURL, mode: "webhook"))
        }
        await host.waitUntilRunning("hook")
        let fake = host.fake
        let registration = try #require(fake.calls(token: Self.token).last { $0.method == "setWebhook" })
        #expect(registration.parameters["url"] == publicURL.absoluteString + "/webhook/hook")
        #expect(registration.parameters["max_connections"] == "7")
        let allowed = try #require(registration.parameters["allowed_updates"])
        let names = try JSONDecoder().decode([String].self, from: Data(allowed.utf8))
        // replies wants messages and button presses; my_chat_member is always asked for.
        #expect(Set(names) == ["message", "channel_post", "callback_query", "my_chat_member"], "\(allowed)")

        let person = FakeUser(id: 41, firstName: "Ola")
        fake.sendText(token: Self.token, chatID: person.id, from: person, text: "sent while hooked")
        try host.sandbox.writeManifest("hook", Self.manifest(fake.baseURL, mode: "polling"))
        let report = await host.supervisor.reload()
        #expect(report.restarted == ["hook"], "\(report)")
        let sent = try await fake.waitForSentMessages(token: Self.token, count: 1, timeout: .seconds(60))
        #expect(sent.map(\.text) == ["sent while hooked"], "the update Telegram held is answered by polling")

        let calls = fake.calls(token: Self.token)
        let deletion = try #require(calls.firstIndex { $0.method == "deleteWebhook" })
        let dropped = calls[deletion].parameters["drop_pending_updates"]
        #expect(
            dropped == nil || dropped == "false" || dropped == "0",
            "deleteWebhook drops pending updates: \(String(describing: dropped))")
        let firstPoll = try #require(calls.firstIndex { $0.method == "getUpdates" })
        #expect(deletion < firstPoll, "the webhook is deleted before the bot polls")
        #expect(fake.webhookURL(token: Self.token) == nil)
        await host.stop()
    }
}
