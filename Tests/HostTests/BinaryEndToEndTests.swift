import FakeBotAPI
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `aviary` binary against the fake Bot API: reload by SIGHUP and crash recovery.
@Suite("End to end: the aviary binary", .serialized, .timeLimit(.minutes(5)))
struct BinaryEndToEndTests {
    static func manifest(id: String, token: String, apiURL: URL, plugins: String) -> String {
        """
        id: \(id)
        name: \(id) bot
        platform: telegram
        token: \(token)
        telegram:
          api_url: \(apiURL.absoluteString)
          poll_timeout: 1
        delivery:
          private_chat_per_second: 1000
          bot_per_second: 1000
        plugins:
        \(plugins)
        """
    }

    static let echo = "  - echo"
    static func replies(start: String) -> String {
        """
          - replies:
              commands:
                start: "\(start)"
          - echo
        """
    }

    @Test("SIGHUP adds, removes and changes bots while an untouched bot answers a steady stream exactly once")
    func reloadUnderLoad() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let sandbox = try HostSandbox()
        let tokens = ["steady": "1001:" + String(repeating: "a", count: 35),
                      "removed": "1002:" + String(repeating: "b", count: 35),
                      "changed": "1003:" + String(repeating: "c", count: 35),
                      "added": "1004:" + String(repeating: "d", count: 35)]
        for (index, (id, token)) in tokens.sorted(by: { $0.key < $1.key }).enumerated() {
            fake.addBot(token: token, userID: Int64(9000 + index), username: "\(id)_bot")
        }
        try sandbox.writeManifest("steady", Self.manifest(id: "steady", token: tokens["steady"]!, apiURL: fake.baseURL, plugins: Self.echo))
        try sandbox.writeManifest("removed", Self.manifest(id: "removed", token: tokens["removed"]!, apiURL: fake.baseURL, plugins: Self.echo))
        try sandbox.writeManifest("changed", Self.manifest(id: "changed", token: tokens["changed"]!, apiURL: fake.baseURL, plugins: Self.replies(start: "version one")))

        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        let alice = FakeUser(id: 501, firstName: "Alice")
        fake.sendText(token: tokens["changed"]!, chatID: alice.id, from: alice, text: "/start")
        fake.sendText(token: tokens["removed"]!, chatID: alice.id, from: alice, text: "hello")
        #expect(try await fake.waitForSentMessages(token: tokens["changed"]!, count: 1, timeout: .seconds(90)).map(\.text) == ["version one"])
        _ = try await fake.waitForSentMessages(token: tokens["removed"]!, count: 1, timeout: .seconds(90))

        // A steady stream to the untouched bot, from several chats, across the reload.
        let streamCount = 120
        let stream = Task {
            for index in 0..<streamCount {
                let user = FakeUser(id: Int64(700 + index % 6), firstName: "U\(index % 6)")
                fake.sendText(token: tokens["steady"]!, chatID: user.id, from: user, text: "steady \(index)")
                try await Task.sleep(for: .milliseconds(15))
            }
        }
        _ = try await fake.waitForSentMessages(token: tokens["steady"]!, count: 20, timeout: .seconds(90))

        try sandbox.removeManifest("removed")
        try sandbox.writeManifest("changed", Self.manifest(id: "changed", token: tokens["changed"]!, apiURL: fake.baseURL, plugins: Self.replies(start: "version two")))
        try sandbox.writeManifest("added", Self.manifest(id: "added", token: tokens["added"]!, apiURL: fake.baseURL, plugins: Self.echo))
        let reload = try AviaryProcess(arguments: ["reload", "--pid-file", sandbox.dataDirectory + "/aviary.pid"],
                                       logPath: sandbox.root.appendingPathComponent("reload.log").path)
        #expect(try await reload.waitForExit() == 0)
        try await host.waitForLog("reload: ", count: 2)
        #expect(host.log.contains("1 started (added), 1 stopped (removed), 1 restarted (changed); 1 unchanged"))

        fake.sendText(token: tokens["added"]!, chatID: alice.id, from: alice, text: "new bot here")
        #expect(try await fake.waitForSentMessages(token: tokens["added"]!, count: 1, timeout: .seconds(90)).map(\.text) == ["new bot here"])
        fake.sendText(token: tokens["changed"]!, chatID: alice.id, from: alice, text: "/start")
        #expect(try await fake.waitForSentMessages(token: tokens["changed"]!, count: 2, timeout: .seconds(90)).map(\.text) == ["version one", "version two"])

        try await stream.value
        let steady = try await fake.waitForSentMessages(token: tokens["steady"]!, count: streamCount, timeout: .seconds(120))
        let texts = steady.map(\.text)
        #expect(texts.count == streamCount, "no steady update repeated")
        #expect(Set(texts) == Set((0..<streamCount).map { "steady \($0)" }), "no steady update lost")

        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: sandbox.dataDirectory + "/aviary.pid"))
    }

    @Test("a host killed with SIGKILL mid-stream loses no update and applies none twice")
    func crashRecovery() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let sandbox = try HostSandbox()
        let token = "2001:" + String(repeating: "k", count: 35)
        fake.addBot(token: token, userID: 9100, username: "crashy_bot")
        try sandbox.writeManifest("crashy", Self.manifest(id: "crashy", token: token, apiURL: fake.baseURL, plugins: Self.echo))

        let total = 300
        var host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        for index in 0..<total {
            let user = FakeUser(id: Int64(800 + index % 10), firstName: "U\(index % 10)")
            fake.sendText(token: token, chatID: user.id, from: user, text: "crash \(index)")
        }
        _ = try await fake.waitForSentMessages(token: token, count: 40, timeout: .seconds(120))
        host.crash()
        let answeredBeforeCrash = fake.sentMessages(token: token).count
        #expect(answeredBeforeCrash < total, "the crash should land mid-stream")

        host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath + ".2")
        // Every update is answered at least once after the restart.
        var answered = Set<String>()
        var seen = 0
        while answered.count < total {
            let sent = try await fake.waitForSentMessages(token: token, count: seen + 1, timeout: .seconds(120))
            seen = sent.count
            answered = Set(sent.map(\.text))
        }
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)

        #expect(answered == Set((0..<total).map { "crash \($0)" }))
        let database = try DatabaseQueue(path: sandbox.dataDirectory + "/crashy.sqlite")
        let (rows, done, handled) = try await database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE status = 'done'")!,
             try Int.fetchOne(db, sql: "SELECT value FROM host_state WHERE key = 'updates_handled'")!)
        }
        #expect(rows == total)
        #expect(done == total)
        #expect(handled == total, "each update's state effects were committed exactly once")
    }

    @Test("aviary check accepts the shipped bots.d and refuses a broken folder with exit 1")
    func checkCommand() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sandbox = try HostSandbox()
        let shipped = try AviaryProcess(arguments: ["check", "--bots-dir", root.appendingPathComponent("bots.d").path],
                                        logPath: sandbox.root.appendingPathComponent("check1.log").path)
        #expect(try await shipped.waitForExit() == 0, "\(shipped.log)")

        try sandbox.writeManifest("broken", "id: broken\nplugns: [echo]\n")
        let broken = try AviaryProcess(arguments: ["check", "--bots-dir", sandbox.botsDirectory],
                                       logPath: sandbox.root.appendingPathComponent("check2.log").path)
        #expect(try await broken.waitForExit() == 1)
        #expect(broken.log.contains("broken.yaml:2"))
        #expect(broken.log.contains("did you mean 'plugins'"))
    }

    @Test("a rejected token and an unreachable API fail alone, say why, and no token reaches the log")
    func failuresStayAloneAndSecret() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        let secrets = ["good": "Goodsecret", "rejected": "Rejectedsecret", "unreachable": "Unreachablesecret"]
        var tokens: [String: String] = [:]
        for (index, (id, secret)) in secrets.sorted(by: { $0.key < $1.key }).enumerated() {
            tokens[id] = "\(6100 + index):\(secret)" + String(repeating: "x", count: 30)
        }
        fake.addBot(token: tokens["good"]!, userID: 6100, username: "good_bot")
        try sandbox.writeManifest("good", Self.manifest(id: "good", token: tokens["good"]!, apiURL: fake.baseURL, plugins: Self.echo))
        try sandbox.writeManifest("rejected", Self.manifest(id: "rejected", token: tokens["rejected"]!, apiURL: fake.baseURL, plugins: Self.echo))
        try sandbox.writeManifest("unreachable", Self.manifest(
            id: "unreachable", token: tokens["unreachable"]!, apiURL: URL(string: "http://127.0.0.1:9")!, plugins: Self.echo))

        let host = try AviaryProcess(arguments: sandbox.runArguments + ["--log-level", "debug"], logPath: sandbox.logPath)
        let user = FakeUser(id: 31, firstName: "Dana")
        fake.sendText(token: tokens["good"]!, chatID: user.id, from: user, text: "still here")
        #expect(try await fake.waitForSentMessages(token: tokens["good"]!, count: 1, timeout: .seconds(90)).map(\.text) == ["still here"])
        try await host.waitForLog("bot rejected: token rejected by Telegram (401)")
        try await host.waitForLog("cannot reach the platform, retrying")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
        for secret in secrets.values {
            #expect(!host.log.contains(secret), "a token leaked into the log")
        }
        #expect(host.log.contains("bot=unreachable"))
    }
}
