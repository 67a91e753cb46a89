import FakeBotAPI
import Foundation
import GRDB
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The README's signals, sent to the real `aviary` binary: "Signals that arrive during a reload
/// collapse into one more reload. A `SIGHUP` that arrives before the host is ready is ignored
/// rather than killing it", and "Stop the host with Ctrl-C (SIGINT) or SIGTERM: it drains and exits 0."
@Suite("Signal promises: the aviary binary under SIGHUP and SIGINT", .serialized, .timeLimit(.minutes(4)))
struct SignalPromiseTests {
    /// Bot `slow`'s token at the fake.
    static let token = "6500:" + String(repeating: "s", count: 35)

    /// The host's reload summaries so far, the first scan's included.
    static func reloadLines(_ host: AviaryProcess) -> [Substring] {
        host.log.split(separator: "\n").filter { $0.contains("reload: ") }
    }

    /// Bot `slow`: echo, over the fake at `apiURL`.
    static func manifest(_ apiURL: URL, concurrentSends: Int = 8) -> String {
        PromiseHost.manifest(
            id: "slow", token: token, apiURL: apiURL, plugins: ["echo"],
            delivery: ["concurrent_sends: \(concurrentSends)"])
    }

    @Test("a burst of SIGHUPs during a reload makes one more reload, not one each")
    func sighupBurstCollapses() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 6500, username: "slow_bot")
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("slow", Self.manifest(fake.baseURL))
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        try await host.waitForLog("bot started")
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        // A reply held in flight: the reload that restarts the changed bot drains it, so it lasts
        // until the reply is released.
        fake.hold(token: Self.token, method: "sendMessage")
        let person = FakeUser(id: 63, firstName: "Bo")
        fake.sendText(token: Self.token, chatID: person.id, from: person, text: "in flight")
        await fake.waitForCalls(token: Self.token, method: "sendMessage", count: 1)
        try sandbox.writeManifest("slow", Self.manifest(fake.baseURL, concurrentSends: 4))
        host.signal(SIGHUP)
        for _ in 0..<10 {
            // A pause between two signals, so the kernel rarely merges them into one (a merge only
            // makes the burst smaller). Not a probe: under a loaded machine ten HTTP round trips
            // once outlasted the reload, and the burst must end inside it.
            try await Task.sleep(for: .milliseconds(50))
            host.signal(SIGHUP)
        }
        #expect(try await probe.call(.GET, "/healthz").status == 200)
        // The drain waits for the held reply at most 5 s (the outbox's flush limit): the burst
        // must have ended inside the reload for the count below to mean anything.
        try #require(Self.reloadLines(host).count == 1, "the reload ended before the burst did: \(host.log)")
        fake.release(token: Self.token, method: "sendMessage")
        try await host.waitForLog("reload: ", count: 3)  // the scan at start is logged like a reload
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        let reloads = Self.reloadLines(host).dropFirst()
        #expect(reloads.count == 2, "\(reloads)")
        #expect(reloads.first?.contains("1 restarted (slow)") == true, "\(reloads)")
        #expect(reloads.last?.contains("1 unchanged") == true, "\(reloads)")
        await fake.stop()
    }

    @Test("a SIGHUP before the host is ready neither kills it nor is lost")
    func sighupBeforeReady() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 6500, username: "slow_bot")
        // The bot cannot finish starting until the test says so: the host is not ready meanwhile.
        fake.hold(token: Self.token, method: "getMe")
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("slow", Self.manifest(fake.baseURL))
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        // The first line is logged once SIGHUP is trapped, before bots.d/ is read: a change
        // made now and signalled is applied, whether the first scan or the reload reads it.
        try await host.waitForLog("[aviary]")
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        host.signal(SIGHUP)

        // A host the signal killed never listens: this fails after 30 s, showing the log.
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        await fake.waitForCalls(token: Self.token, method: "getMe", count: 1)
        // The early signal is not dropped: it makes a reload once the first scan is done.
        try await host.waitForLog("reload: ", count: 2)
        #expect(Self.reloadLines(host).contains { $0.contains("gamma") }, "\(Self.reloadLines(host))")
        #expect(try await probe.call(.GET, "/readyz").status == 503, "the host is not ready yet")

        let delta = HTTPTestHost.sandboxManifest.replacingOccurrences(of: "id: gamma", with: "id: delta")
        try sandbox.writeManifest("delta", delta)
        host.signal(SIGHUP)
        try await host.waitForLog("reload: 1 started (delta)")
        #expect(try await probe.call(.GET, "/readyz").status == 503, "still starting: the signal came before ready")

        fake.release(token: Self.token, method: "getMe")
        let person = FakeUser(id: 61, firstName: "Eve")
        fake.sendText(token: Self.token, chatID: person.id, from: person, text: "after all that")
        #expect(try await fake.waitForSentMessages(token: Self.token, count: 1, timeout: .seconds(60)).map(\.text)
            == ["after all that"])
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0, "\(host.log)")
        await fake.stop()
    }

    @Test("SIGINT drains like SIGTERM: the reply in flight is sent, recorded, and the host exits 0")
    func sigintDrains() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 6500, username: "slow_bot")
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("slow", Self.manifest(fake.baseURL))
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        try await host.waitForLog("bot started")
        // The reply is held at the fake: SIGINT arrives while it is in flight.
        fake.hold(token: Self.token, method: "sendMessage")
        let person = FakeUser(id: 62, firstName: "Ian")
        fake.sendText(token: Self.token, chatID: person.id, from: person, text: "in flight")
        await fake.waitForCalls(token: Self.token, method: "sendMessage", count: 1)
        host.signal(SIGINT)
        try await host.waitForLog("shutting down: draining 1 bot(s)")
        fake.release(token: Self.token, method: "sendMessage")
        #expect(try await host.waitForExit() == 0, "\(host.log)")
        #expect(fake.sentMessages(token: Self.token).map(\.text) == ["in flight"])
        #expect(host.log.contains("bot stopped"))
        let database = try DatabaseQueue(path: "\(sandbox.dataDirectory)/slow.sqlite")
        let (inbox, outbox) = try await database.read { db in
            (try String.fetchAll(db, sql: "SELECT status FROM inbox"),
             try String.fetchAll(db, sql: "SELECT status FROM outbox"))
        }
        #expect(inbox == ["done"])
        #expect(outbox == ["sent"], "the drained reply is recorded as sent, so a restart does not repeat it")
        await fake.stop()
    }
}
