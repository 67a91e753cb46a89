import FakeModelAPI
import Foundation
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The companion plugin in the real binary, on a sandbox bot, against the fake model server.
@Suite("End to end: companion", .timeLimit(.minutes(5)))
struct CompanionEndToEndTests {
    static let admin = "companion-admin-" + String(repeating: "c", count: 20)
    static let key = "sk-e2e-" + String(repeating: "k", count: 20)
    static let headers = [("Authorization", "Bearer \(admin)"), ("Content-Type", "application/json")]

    /// A started fake model, and a host folder with one sandbox bot, `companion-e2e`, whose
    /// companion talks to it.
    static func prepare() async throws -> (FakeModelAPI, HostSandbox) {
        let fake = FakeModelAPI(apiKey: key)
        try await fake.start()
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("companion-e2e", manifest(fake))
        return (fake, sandbox)
    }

    /// The manifest of a sandbox bot whose companion talks to `fake`.
    static func manifest(_ fake: FakeModelAPI) -> String {
        """
        platform: sandbox
        plugins:
          - companion:
              base_url: \(fake.baseURL)
              model: e2e-model
              api_key_env: COMPANION_E2E_KEY
              profile_every: 2
              fallback: "The model is resting; write again later."
        """
    }

    /// Starts the host over `sandbox` with the model key and the admin token set.
    static func startHost(_ sandbox: HostSandbox) async throws -> (AviaryProcess, HTTPProbe) {
        let host = try AviaryProcess(
            arguments: sandbox.runArguments,
            environment: ["AVIARY_ADMIN_TOKEN": admin, "COMPANION_E2E_KEY": key], logPath: sandbox.logPath)
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        try await host.waitForLog("bot started")
        return (host, probe)
    }

    /// Person `user` writes `text` to the bot.
    static func write(_ text: String, from user: Int64, _ probe: HTTPProbe) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["user_id": user, "first_name": "P\(user)", "text": text])
        let sent = try await probe.call(
            .POST, "/api/v1/bots/companion-e2e/sandbox/messages", headers: headers, body: body)
        #expect(sent.status == 202, "\(sent.text)")
    }

    /// The bot's texts in person `user`'s chat, long-polling until `done` holds for them (or ten polls).
    static func botTexts(to user: Int64, _ probe: HTTPProbe, until done: ([String]) -> Bool) async throws -> [String] {
        var (texts, revision): ([String], Int64) = ([], 0)
        for _ in 0..<10 where !done(texts) {
            let answer = try await probe.call(
                .GET, "/api/v1/bots/companion-e2e/sandbox/chats/\(user)?after=\(revision)&wait=10", headers: headers)
            revision = (answer.json["revision"] as? NSNumber)?.int64Value ?? revision
            texts += (answer.json["messages"] as? [[String: Any]] ?? [])
                .filter { $0["from"] as? String == "bot" }.compactMap { $0["text"] as? String }
        }
        return texts
    }

    @Test("history and profile survive a host restart; a failing model gets the fallback and is counted")
    func remembersAcrossRestart() async throws {
        let (fake, sandbox) = try await Self.prepare()
        var (host, probe) = try await Self.startHost(sandbox)
        try await Self.write("hi, I'm Ann", from: 42, probe)
        #expect(try await Self.botTexts(to: 42, probe, until: { $0.count >= 2 }) == [
            "Just so you know: I'm an AI companion, not a person.", "fake reply 1 to: hi, I'm Ann",
        ])
        try await Self.write("I like chess", from: 42, probe)
        _ = try await Self.botTexts(to: 42, probe, until: { $0.count >= 3 })
        #expect(try await fake.waitForRequests(count: 3)[2].wantsJSON, "the second message asks for a profile")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)

        (host, probe) = try await Self.startHost(sandbox)
        try await Self.write("what do you remember?", from: 42, probe)
        let request = try await fake.waitForRequests(count: 4)[3]
        #expect(request.messages.map(\.content).dropFirst() == [
            "hi, I'm Ann", "fake reply 1 to: hi, I'm Ann", "I like chess", "fake reply 2 to: I like chess",
            "what do you remember?",
        ])
        #expect(request.systemPrompt.contains(#""interests":["fake models"]"#), "\(request.systemPrompt)")
        #expect(fake.violations.isEmpty)

        fake.failNext(.status(500))
        try await Self.write("still there?", from: 42, probe)
        let fallback = "The model is resting; write again later."
        let texts = try await Self.botTexts(to: 42, probe, until: { $0.contains(fallback) })
        #expect(texts.contains(fallback), "\(texts)")
        let metrics = try await probe.call(.GET, "/metrics")
        let counted = #"aviary_companion_model_errors_total{bot="companion-e2e",reason="server_error"} 1"#
        #expect(metrics.text.contains(counted))
        #expect(metrics.text.contains("# HELP aviary_companion_model_errors_total Companion model calls that gave no answer"))
        #expect(!host.log.contains(Self.key), "the API key never reaches the log")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
    }

    @Test("while the model stalls on one chat, another chat is answered")
    func stallHoldsOnlyItsChat() async throws {
        let (fake, sandbox) = try await Self.prepare()
        let (host, probe) = try await Self.startHost(sandbox)
        fake.stall(containing: "slow")
        try await Self.write("a slow question", from: 1, probe)
        try await fake.waitForStalled(count: 1)
        try await Self.write("a quick one", from: 2, probe)
        let quick = "fake reply 1 to: a quick one"
        #expect(try await Self.botTexts(to: 2, probe, until: { $0.contains(quick) }).contains(quick))
        #expect(fake.requests.count == 2, "the slow chat's request is still held")
        fake.release()
        let slow = "fake reply 2 to: a slow question"
        #expect(try await Self.botTexts(to: 1, probe, until: { $0.contains(slow) }).contains(slow))
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
    }

    @Test("with base_url offline and no key, as the shipped sandbox brands run, the demo answers with no network")
    func offlineDemo() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("companion-e2e", """
            platform: sandbox
            plugins:
              - companion:
                  base_url: ${COMPANION_BASE_URL:-offline}
                  model: gpt-4o-mini
                  api_key_env: COMPANION_API_KEY
            """)
        let (host, probe) = try await Self.startHost(sandbox)
        try await Self.write("hello there", from: 7, probe)
        let texts = try await Self.botTexts(to: 7, probe, until: { $0.count >= 2 })
        #expect(texts.first == "Just so you know: I'm an AI companion, not a person.")
        #expect(texts.last?.hasPrefix("[offline demo] You said: “hello there”.") == true, "\(texts)")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }
}
