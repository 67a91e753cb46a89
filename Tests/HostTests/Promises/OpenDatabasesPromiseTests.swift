import FakeBotAPI
import Foundation
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The README's promise with the real binary: open bot databases are bounded host-wide by
/// `storage.max_open_databases`, and an idle bot's database is closed after
/// `storage.idle_close_seconds`.
@Suite("Promise: bounded open databases, closed when idle", .timeLimit(.minutes(3)))
struct OpenDatabasesPromiseTests {
    static let bots = (1...6).map { "store\($0)" }

    /// The descriptors `pid` holds on bot databases inside `folder`: files, WALs and indexes.
    /// The host's own `host.sqlite` (the audit log), open for the host's whole life, is not a
    /// bot database and does not count.
    static func descriptors(of pid: pid_t, inside folder: String) throws -> Int {
        let resolved = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path + "/"
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")
            else { return false }
            return target.hasPrefix(resolved) && !target.hasPrefix(resolved + "host.sqlite")
                && [".sqlite", ".sqlite-wal", ".sqlite-shm"].contains { target.hasSuffix($0) }
        }.count
    }

    @Test("six busy bots with two database slots hold at most six files; idle, they hold none")
    func boundedAndClosedWhenIdle() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        let config = sandbox.root.appendingPathComponent("aviary.yaml").path
        try "storage:\n  max_open_databases: 2\n  idle_close_seconds: 1\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        var tokens: [String] = []
        for (index, id) in Self.bots.enumerated() {
            let token = "\(8100 + index):" + String(repeating: Character(UnicodeScalar(UInt8(97 + index))), count: 35)
            tokens.append(token)
            fake.addBot(token: token, userID: Int64(8100 + index), username: "\(id)_bot")
            try sandbox.writeManifest(id, """
                id: \(id)
                token: \(token)
                telegram:
                  api_url: \(fake.baseURL.absoluteString)
                  poll_timeout: 1
                plugins: [echo]
                """)
        }
        let host = try AviaryProcess(
            arguments: sandbox.runArguments + ["--config", config, "--log-level", "debug"], logPath: sandbox.logPath)
        try await host.waitForLog("bot started", count: Self.bots.count)
        let user = FakeUser(id: 42, firstName: "Ann")
        for (round, token) in (tokens + tokens).enumerated() {
            fake.sendText(token: token, chatID: user.id, from: user, text: "hello \(round)")
        }
        await fake.waitForSentMessages(tokens: tokens, total: 2 * tokens.count)
        #expect(try Self.descriptors(of: host.pid, inside: sandbox.dataDirectory) <= 6, "two databases, three files each")
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        let busy = try await probe.call(.GET, "/metrics").text
        #expect(busy.contains("aviary_open_databases_limit 2.0"), "\(busy)")
        #expect(["aviary_open_databases 0.0", "aviary_open_databases 1.0", "aviary_open_databases 2.0"]
            .contains { busy.contains($0) })
        #expect(busy.contains("aviary_database_waiters "))

        // Every database closed is logged; one closed at start (bots idle before the first
        // message) does not count: wait for one logged after this point, unless all are closed.
        let allClosed = "idle bot databases, 0 still open"
        let closedBefore = LogCollector.occurrences(of: allClosed, in: host.log)
        if try Self.descriptors(of: host.pid, inside: sandbox.dataDirectory) > 0 {
            try await host.waitForLog(allClosed, count: closedBefore + 1)
        }
        #expect(try Self.descriptors(of: host.pid, inside: sandbox.dataDirectory) == 0, "idle bots hold no database")
        let idle = try await probe.call(.GET, "/metrics").text
        #expect(idle.contains("aviary_open_databases 0.0") && idle.contains("aviary_database_waiters 0.0"), "\(idle)")

        fake.sendText(token: tokens[0], chatID: user.id, from: user, text: "after idle")
        _ = try await fake.waitForSentMessages(token: tokens[0], count: 3, timeout: .seconds(60))
        #expect(fake.sentMessages(token: tokens[0]).map(\.text).last == "after idle", "a closed database reopens")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
    }
}
