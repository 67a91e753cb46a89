import FakeBotAPI
import FakeModelAPI
import Foundation
import NIOHTTP1
import Synchronization
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Remote plugins with the real binary: the shipped examples as separate processes, and a
/// fake plugin that fails, answers garbage or is killed mid-call.
@Suite("End to end: remote plugins", .timeLimit(.minutes(5)))
struct RemotePluginEndToEndTests {
    static let admin = "remote-admin-" + String(repeating: "r", count: 20)
    static let secret = "remote-e2e-secret-0123456789abcdef"
    static let token = "7400:" + String(repeating: "q", count: 35)

    /// A sandbox with the secret in `bots.d/plugin.key`.
    static func sandbox() throws -> HostSandbox {
        let sandbox = try HostSandbox()
        try (secret + "\n").write(toFile: "\(sandbox.botsDirectory)/plugin.key", atomically: true, encoding: .utf8)
        return sandbox
    }

    /// A file of its own holding the secret, for a plugin started before its bot's sandbox.
    static func secretFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("remote-\(UUID().uuidString).key").path
        try secret.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A Telegram bot on `fake` whose only plugin is the remote one at `url`.
    static func telegramManifest(fake: FakeBotAPI, url: String, extra: String = "") -> String {
        """
        id: counter
        token: \(token)
        telegram: { api_url: \(fake.baseURL.absoluteString), poll_timeout: 1 }
        plugins:
          - remote: { name: counter, url: "\(url)", secret_file: plugin.key\(extra) }
        """
    }

    /// The fake Bot API with the bot `counter` whose remote plugin is at `url`, and the sandbox
    /// holding its manifest.
    static func telegramBot(url: String, extra: String = "") async throws -> (FakeBotAPI, HostSandbox) {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: token, userID: 7400, username: "counter_bot")
        let sandbox = try sandbox()
        try sandbox.writeManifest("counter", telegramManifest(fake: fake, url: url, extra: extra))
        return (fake, sandbox)
    }

    @Test("the Swift example through the fake Bot API: each chat's updates in order, /count, two chats at once")
    func swiftExample() async throws {
        let executable = URL(fileURLWithPath: AviaryProcess.binaryPath).deletingLastPathComponent()
            .appendingPathComponent("remote-plugin-example")
        let plugin = try await ExamplePluginProcess(
            executable.path,
            ["--port", "0", "--secret-file", try Self.secretFile()]
        )
        defer { plugin.stop() }
        let (fake, sandbox) = try await Self.telegramBot(url: plugin.url)
        let people = [FakeUser(id: 61, firstName: "Ann"), FakeUser(id: 62, firstName: "Bo")]
        for index in 1...5 {
            for person in people {
                fake.sendText(token: Self.token, chatID: person.id, from: person, text: "m\(index)")
            }
        }
        for person in people { fake.sendText(token: Self.token, chatID: person.id, from: person, text: "/count") }
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        let sent = try await fake.waitForSentMessages(token: Self.token, count: 12, timeout: .seconds(60))
        for person in people {
            #expect(
                sent.filter { $0.chatID == person.id }.map(\.text)
                    == (1...5).map { "#\($0) m\($0)" } + ["You have written 6 messages."]
            )
        }
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
    }

    @Test("the Python example through the sandbox: its counter per person, /count and a call-back, in order")
    func pythonExample() async throws {
        let sandbox = try Self.sandbox()
        let script = ExamplePluginProcess.repositoryRoot.appendingPathComponent("examples/plugins/python/plugin.py")
        let plugin = try await ExamplePluginProcess(
            try ConformanceTests.tool("python3"),
            [script.path, "--port", "0", "--secret-file", "\(sandbox.botsDirectory)/plugin.key"]
        )
        defer { plugin.stop() }
        try sandbox.writeManifest(
            "py",
            """
            platform: sandbox
            plugins:
              - remote: { name: counter, url: "\(plugin.url)", secret_file: plugin.key, interests: [message] }
            """
        )
        let host = try AviaryProcess(
            arguments: sandbox.runArguments,
            environment: ["AVIARY_ADMIN_TOKEN": Self.admin],
            logPath: sandbox.logPath
        )
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        try await host.waitForLog("bot started")
        let headers = [("Authorization", "Bearer \(Self.admin)"), ("Content-Type", "application/json")]
        for text in ["a", "b", "c", "/count", "/remind tea"] {
            let sent = try await probe.call(
                .POST,
                "/api/v1/bots/py/sandbox/messages",
                headers: headers,
                body: Data(#"{"user_id":42,"first_name":"Ann","text":"\#(text)"}"#.utf8)
            )
            #expect(sent.status == 202, "\(sent.text)")
        }
        var texts: [String] = []
        var revision: Int64 = 0
        for _ in 0..<10 where texts.count < 6 {
            let answer = try await probe.call(
                .GET,
                "/api/v1/bots/py/sandbox/chats/42?after=\(revision)&wait=20",
                headers: headers
            )
            revision = (answer.json["revision"] as? NSNumber)?.int64Value ?? revision
            texts += (answer.json["messages"] as? [[String: Any]] ?? [])
                .filter { $0["from"] as? String == "bot" }.compactMap { $0["text"] as? String }
        }
        #expect(
            texts == [
                "#1 a", "#2 b", "#3 c", "You have written 4 messages.", "I will remind you of tea.", "Reminder: tea",
            ]
        )
        let protocolDocument = try await probe.call(.GET, "/api/v1/remote-plugin-protocol.yaml")
        #expect(protocolDocument.status == 200 && protocolDocument.text.contains("Aviary remote plugin protocol"))
        #expect(!host.log.contains(Self.secret))
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }

    @Test("done when: a plugin in another language and process joins a running bot by a manifest edit and SIGHUP")
    func addedBySignal() async throws {
        let script = ExamplePluginProcess.repositoryRoot.appendingPathComponent("examples/plugins/python/plugin.py")
        let plugin = try await ExamplePluginProcess(
            try ConformanceTests.tool("python3"),
            [script.path, "--port", "0", "--secret-file", try Self.secretFile()]
        )
        defer { plugin.stop() }
        let (fake, sandbox) = try await Self.telegramBot(url: plugin.url)
        let remote = #"  - remote: { name: counter, url: "\#(plugin.url)", secret_file: plugin.key }"#
        let echoOnly = Self.telegramManifest(fake: fake, url: plugin.url).replacingOccurrences(of: remote, with: "  - echo")
        try sandbox.writeManifest("counter", echoOnly)
        let user = FakeUser(id: 54, firstName: "Noa")
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        fake.sendText(token: Self.token, chatID: user.id, from: user, text: "one")
        _ = try await fake.waitForSentMessages(token: Self.token, count: 1, timeout: .seconds(60))
        try sandbox.writeManifest("counter", Self.telegramManifest(fake: fake, url: plugin.url) + "\n  - echo\n")
        host.signal(SIGHUP)
        try await host.waitForLog("reload: ", count: 2)
        fake.sendText(token: Self.token, chatID: user.id, from: user, text: "two")
        fake.sendText(token: Self.token, chatID: user.id, from: user, text: "/count")
        let sent = try await fake.waitForSentMessages(token: Self.token, count: 3, timeout: .seconds(60))
        #expect(sent.map(\.text) == ["one", "#1 two", "You have written 2 messages."])
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
    }

    @Test("a rotated secret_file reaches the running bot at SIGHUP: no restart, the next call signs with it")
    func rotatedSecret() async throws {
        let plugin = FakeRemotePlugin(secret: Self.secret) { FakeRemotePlugin.counter($0) }
        try await plugin.start()
        let (fake, sandbox) = try await Self.telegramBot(url: plugin.url, extra: ", attempts: 1")
        let user = FakeUser(id: 55, firstName: "Rio")
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        fake.sendText(token: Self.token, chatID: user.id, from: user, text: "one")
        _ = try await fake.waitForSentMessages(token: Self.token, count: 1, timeout: .seconds(60))
        let rotated = "rotated-e2e-secret-" + UUID().uuidString
        plugin.rotate(to: rotated)
        try (rotated + "\n").write(toFile: "\(sandbox.botsDirectory)/plugin.key", atomically: true, encoding: .utf8)
        host.signal(SIGHUP)
        try await host.waitForLog("reload: no changes; 1 unchanged")
        fake.sendText(token: Self.token, chatID: user.id, from: user, text: "two")
        let sent = try await fake.waitForSentMessages(token: Self.token, count: 2, timeout: .seconds(60))
        #expect(sent.map(\.text) == ["#1", "#2"])
        #expect(plugin.calls.map(\.signatureValid) == [true, true], "the call after the reload signed with the new secret")
        #expect(host.log.components(separatedBy: "bot started").count == 2, "the bot started once, never restarted")
        #expect(!host.log.contains(rotated))
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await plugin.stop()
        await fake.stop()
    }

    @Test("a host killed mid-call calls again with the same key after its restart; the state applies once")
    func killMidCall() async throws {
        let calls = Mutex(0)
        let plugin = FakeRemotePlugin(secret: Self.secret) { call in
            calls.withLock {
                $0 += 1; return $0
            } == 1 ? .hold : FakeRemotePlugin.counter(call)
        }
        try await plugin.start()
        let (fake, sandbox) = try await Self.telegramBot(url: plugin.url)
        let user = FakeUser(id: 51, firstName: "Kim")
        fake.sendText(token: Self.token, chatID: user.id, from: user, text: "one")
        let first = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        _ = await plugin.waitForCalls(count: 1)
        first.crash()
        _ = try await first.waitForExit()
        plugin.release()

        let second = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath + ".2")
        fake.sendText(token: Self.token, chatID: user.id, from: user, text: "two")
        let sent = try await fake.waitForSentMessages(token: Self.token, count: 2, timeout: .seconds(60))
        #expect(sent.map(\.text) == ["#1", "#2"], "the killed call's state was not applied, the next call's once")
        let keys = plugin.calls.map(\.idempotencyKey)
        #expect(keys.count == 3 && keys[0] == keys[1] && keys[1] != keys[2], "\(keys)")
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        await plugin.stop()
        await fake.stop()
    }

    @Test("a plugin that is down and comes back: the update waits, retried, and its chat's next one follows it")
    func downThenBack() async throws {
        let calls = Mutex(0)
        let plugin = FakeRemotePlugin(secret: Self.secret) { call in
            calls.withLock {
                $0 += 1; return $0
            } <= 2 ? .status(503) : FakeRemotePlugin.counter(call)
        }
        try await plugin.start()
        let (fake, sandbox) = try await Self.telegramBot(url: plugin.url, extra: ", attempts: 5")
        let user = FakeUser(id: 52, firstName: "Lee")
        for text in ["one", "two", "three"] {
            fake.sendText(token: Self.token, chatID: user.id, from: user, text: text)
        }
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        let sent = try await fake.waitForSentMessages(token: Self.token, count: 3, timeout: .seconds(60))
        #expect(sent.map(\.text) == ["#1", "#2", "#3"])
        #expect(host.log.contains("failed (server_error)"))
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await plugin.stop()
        await fake.stop()
    }

    @Test("a plugin answering garbage: the update fails with the plugin's error, shown in the API; the chat goes on")
    func garbage() async throws {
        let plugin = FakeRemotePlugin(secret: Self.secret) { call in
            (call.json["update"] as? [String: Any]).flatMap { $0["message"] as? [String: Any] }?["text"] as? String
                == "bad" ? .answer("{\"disposition\": 7}") : FakeRemotePlugin.counter(call)
        }
        try await plugin.start()
        let (fake, sandbox) = try await Self.telegramBot(url: plugin.url, extra: ", attempts: 2")
        let user = FakeUser(id: 53, firstName: "Max")
        for text in ["bad", "good"] { fake.sendText(token: Self.token, chatID: user.id, from: user, text: text) }
        let host = try AviaryProcess(
            arguments: sandbox.runArguments,
            environment: ["AVIARY_ADMIN_TOKEN": Self.admin],
            logPath: sandbox.logPath
        )
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        let sent = try await fake.waitForSentMessages(token: Self.token, count: 1, timeout: .seconds(60))
        #expect(sent.map(\.text) == ["#1"])
        let detail = try await probe.call(
            .GET,
            "/api/v1/bots/counter",
            headers: [("Authorization", "Bearer \(Self.admin)")]
        )
        let lastError = detail.json["last_error"] as? String ?? ""
        #expect(lastError.contains("plugin 'remote:counter' failed: bad_answer after 2 attempts"), "\(detail.text)")
        #expect(lastError.contains("disposition: expected a string, found a number"), "\(lastError)")
        #expect(!detail.text.contains(Self.secret))
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await plugin.stop()
        await fake.stop()
    }
}
