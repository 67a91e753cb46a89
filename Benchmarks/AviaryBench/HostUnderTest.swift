import AsyncHTTPClient
import FakeBotAPI
import Foundation
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// One benchmark bot: its manifest id, token and Telegram user id.
struct BenchBot: Sendable {
    var id: String
    var token: String
    var userID: Int64

    /// Bot number `index`, with a token only it has.
    init(index: Int) {
        id = String(format: "bench-%05d", index)
        token = "\(700_000 + index):" + String(repeating: "k", count: 35)
        userID = Int64(700_000 + index)
    }

    /// An `echo` bot talking to the fake at `apiURL`, with limits high enough never to be
    /// what a benchmark measures.
    func manifest(apiURL: URL, webhook: Bool, pollTimeout: Int = 25) -> String {
        """
        id: \(id)
        name: \(id)
        token: "\(token)"
        telegram:
          api_url: \(apiURL.absoluteString)
          poll_timeout: \(pollTimeout)
          mode: \(webhook ? "webhook" : "polling")
        delivery:
          private_chat_per_second: 10000
          group_per_minute: 100000
          bot_per_second: 100000
        plugins: [echo]
        """
    }
}

/// The `aviary` binary under test, in a folder of its own, with readings of its CPU time and
/// memory from `/proc`.
final class HostUnderTest: @unchecked Sendable {
    let root: URL
    let port: Int
    let process = Process()
    private let aviary: String
    private let webhook: Bool

    var botsDirectory: URL { root.appendingPathComponent("bots.d") }
    var dataDirectory: URL { root.appendingPathComponent("data") }
    var logFile: URL { root.appendingPathComponent("aviary.log") }

    /// Writes a manifest per bot; nothing runs until ``launch()``.
    init(aviary: String, fake: FakeBotAPI, bots: [BenchBot], webhook: Bool = false) throws {
        guard FileManager.default.isExecutableFile(atPath: aviary) else {
            throw BenchError("no aviary binary at \(aviary); build it with `swift build -c release` or pass --aviary")
        }
        self.aviary = aviary
        self.webhook = webhook
        root = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("bots.d"), withIntermediateDirectories: true)
        port = try LoopbackPort.unused()
        for bot in bots { try add(bot, to: fake) }
    }

    /// Registers `bot` with the fake and writes its manifest.
    func add(_ bot: BenchBot, to fake: FakeBotAPI, pollTimeout: Int = 25) throws {
        fake.addBot(token: bot.token, userID: bot.userID, username: bot.id.replacingOccurrences(of: "-", with: "_") + "_bot")
        try bot.manifest(apiURL: fake.baseURL, webhook: webhook, pollTimeout: pollTimeout)
            .write(to: botsDirectory.appendingPathComponent("\(bot.id).yaml"), atomically: true, encoding: .utf8)
    }

    /// Starts the host.
    func launch() throws {
        process.executableURL = URL(fileURLWithPath: aviary)
        var arguments = [
            "run", "--bots-dir", botsDirectory.path, "--data-dir", dataDirectory.path, "--http-port", "\(port)",
            "--log-level", "notice", "--shutdown-timeout", "30",
        ]
        if webhook { arguments += ["--public-url", "http://127.0.0.1:\(port)"] }
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw BenchError("cannot create \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Waits until `/readyz` answers 200; returns how long that took from now.
    @discardableResult
    func waitUntilReady(timeout: Duration = .seconds(300)) async throws -> Duration {
        let started = ContinuousClock.now
        let deadline = started + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchError("aviary exited early; its log: \(logFile.path)") }
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status == .ok {
                return ContinuousClock.now - started
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("aviary was not ready within \(timeout); its log: \(logFile.path)")
    }

    /// User plus system CPU time the host used so far, in seconds.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime field 14, stime field 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory now and at its peak, in bytes.
    func memory() -> (resident: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else {
            return (0, 0)
        }
        func kilobytes(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (kilobytes("VmRSS"), kilobytes("VmHWM"))
    }

    /// Sends `signal` to the host.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Stops the host (SIGTERM, then SIGKILL after 30 s) and removes its folder. Throws when
    /// the host had already ended, did not drain within 30 s, or exited with a non-zero status:
    /// a measurement of a host that failed is no measurement. Its log is kept in that case.
    func stop() async throws {
        let wasRunning = process.isRunning
        send(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let drained = !process.isRunning
        if !drained {
            send(SIGKILL)
            process.waitUntilExit()
        }
        let status = process.terminationStatus
        guard wasRunning, drained, process.terminationReason == .exit, status == 0 else {
            let log = root.deletingLastPathComponent().appendingPathComponent("aviary-bench-failed.log")
            try? FileManager.default.removeItem(at: log)
            try? FileManager.default.copyItem(at: logFile, to: log)
            try? FileManager.default.removeItem(at: root)
            let how = !wasRunning ? "had ended before it was stopped"
                : !drained ? "did not stop within 30 s of SIGTERM"
                : process.terminationReason == .uncaughtSignal ? "ended by signal \(status)"
                : "exited with status \(status)"
            throw BenchError("aviary \(how); its log: \(log.path)")
        }
        try? FileManager.default.removeItem(at: root)
    }
}

/// A benchmark could not run; the message says why.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
