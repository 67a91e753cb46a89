import FakeBotAPI
import Foundation
import GRDB
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Webhook mode with the real binary: the fake Bot API delivers to the host's webhook URL.
@Suite("End to end: webhooks", .serialized)
struct WebhookEndToEndTests {
    static let token = "7007:" + String(repeating: "w", count: 35)

    static func manifest(apiURL: URL, mode: String) -> String {
        """
        id: hook
        token: \(token)
        telegram:
          api_url: \(apiURL.absoluteString)
          mode: \(mode)
          poll_timeout: 1
          max_connections: 5
        delivery:
          private_chat_per_second: 1000
          bot_per_second: 1000
        plugins:
          - echo
        """
    }

    @Test("deliveries are stored, then answered; bad secrets, big and broken bodies are refused; a restart loses nothing; polling again deletes the webhook",
          .timeLimit(.minutes(3)))
    func webhookLifecycle() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        defer { Task { await fake.stop() } }
        fake.addBot(token: Self.token, userID: 7007, username: "hook_bot")
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("hook", Self.manifest(apiURL: fake.baseURL, mode: "webhook"))
        let port = try LoopbackPort.unused()
        let arguments = sandbox.runArguments.dropLast(2) + ["--http-port", "\(port)", "--public-url", "http://127.0.0.1:\(port)"]
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(port)")

        let admin = "webhook-admin-" + String(repeating: "k", count: 18)
        var host = try AviaryProcess(
            arguments: Array(arguments), environment: ["AVIARY_ADMIN_TOKEN": admin], logPath: sandbox.logPath)
        try await host.waitForLog("webhook set")
        #expect(fake.webhookURL(token: Self.token) == "http://127.0.0.1:\(port)/webhook/hook")
        #expect(
            !FileManager.default.fileExists(atPath: "\(sandbox.dataDirectory)/hook.sqlite"),
            "the registration is kept in host.sqlite: the bot's file is made by its first update")
        let secret = try #require(fake.webhookSecret(token: Self.token))
        #expect(!secret.contains(Self.token.split(separator: ":")[1]))
        #expect(secret.range(of: "^[A-Za-z0-9_-]{1,256}$", options: .regularExpression) != nil)

        let alice = FakeUser(id: 31, firstName: "Alice")
        for index in 0..<3 { fake.sendText(token: Self.token, chatID: alice.id, from: alice, text: "hello \(index)") }
        let first = try await fake.waitForSentMessages(token: Self.token, count: 3, timeout: .seconds(60))
        #expect(first.map(\.text) == ["hello 0", "hello 1", "hello 2"])

        // Refusals store nothing.
        let update = Data(#"{"update_id":9001,"message":{"message_id":1,"date":1,"chat":{"id":31,"type":"private"},"from":{"id":31,"is_bot":false,"first_name":"A"},"text":"forged"}}"#.utf8)
        let header = "X-Telegram-Bot-Api-Secret-Token"
        #expect(try await probe.call(.POST, "/webhook/hook", body: update).status == 401)
        #expect(try await probe.call(.POST, "/webhook/hook", headers: [(header, "wrong")], body: update).status == 403)
        #expect(try await probe.call(.POST, "/webhook/nobody", headers: [(header, secret)], body: update).status == 403)
        let big = Data(repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
        #expect(try await probe.call(.POST, "/webhook/hook", headers: [(header, secret)], body: big).status == 413)
        #expect(try await probe.call(.POST, "/webhook/hook", headers: [(header, secret)], body: Data("{not json".utf8)).status == 400)
        #expect(try await probe.call(.POST, "/webhook/hook", headers: [(header, secret)], body: Data(#"{"update_id":"x"}"#.utf8)).status == 400)

        // A stopped bot is 503, so Telegram keeps the update for later.
        let bearer = [("Authorization", "Bearer \(admin)")]
        #expect(try await probe.call(.POST, "/api/v1/bots/hook/stop", headers: bearer).status == 200)
        #expect(try await probe.call(.POST, "/webhook/hook", headers: [(header, secret)], body: update).status == 503)
        #expect(try await probe.call(.POST, "/api/v1/bots/hook/start", headers: bearer).status == 200)
        try await host.waitForLog("webhook set", count: 2)

        // A crash with deliveries pending: Telegram keeps redelivering until the host is back.
        host.crash()
        let attemptsBeforeCrash = fake.webhookDeliveries(token: Self.token).count
        for index in 3..<8 { fake.sendText(token: Self.token, chatID: alice.id, from: alice, text: "hello \(index)") }
        // Telegram tries the dead host, and tries again: wait for two refused deliveries.
        await fake.waitForWebhookDeliveries(token: Self.token, count: attemptsBeforeCrash + 2)
        let refused = Array(fake.webhookDeliveries(token: Self.token).dropFirst(attemptsBeforeCrash))
        try #require(refused.count >= 2, "Telegram tried to deliver while the host was down")
        #expect(refused.allSatisfy { $0.status == 0 }, "the dead host answered nothing: \(refused)")
        #expect(fake.pendingUpdateCount(token: Self.token) == 5, "nothing is confirmed while the host is down")
        host = try AviaryProcess(
            arguments: Array(arguments), environment: ["AVIARY_ADMIN_TOKEN": admin], logPath: sandbox.logPath + ".2")
        let all = try await fake.waitForSentMessages(token: Self.token, count: 8, timeout: .seconds(60))
        #expect(Set(all.map(\.text)) == Set((0..<8).map { "hello \($0)" }))
        #expect(fake.webhookSecret(token: Self.token) == secret, "the secret is stable across restarts")
        #expect(fake.pendingUpdateCount(token: Self.token) == 0)
        let database = try DatabaseQueue(path: "\(sandbox.dataDirectory)/hook.sqlite")
        let stored = try await database.read { db in try Int64.fetchAll(db, sql: "SELECT update_id FROM inbox ORDER BY update_id") }
        #expect(stored == Array(1...8), "the forged update 9001 was never stored")

        // Back to polling: the webhook is deleted and polling answers.
        try sandbox.writeManifest("hook", Self.manifest(apiURL: fake.baseURL, mode: "polling"))
        host.signal(SIGHUP)
        try await host.waitForLog("webhook http://127.0.0.1:\(port)/webhook/hook deleted")
        #expect(fake.webhookURL(token: Self.token) == nil)
        fake.sendText(token: Self.token, chatID: alice.id, from: alice, text: "polled")
        let afterSwitch = try await fake.waitForSentMessages(token: Self.token, count: 9, timeout: .seconds(60))
        #expect(afterSwitch.last?.text == "polled")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }
}
