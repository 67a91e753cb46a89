import FakeBotAPI
import Foundation
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// External checkers against the real binary: schemathesis fuzzes the management API against
/// `openapi.yaml`, and promtool lints a live `/metrics`. Both are installed by
/// `scripts/bootstrap.sh` (PyPI `schemathesis`, Debian `prometheus`).
@Suite("Conformance: schemathesis and promtool", .serialized, .timeLimit(.minutes(10)))
struct ConformanceTests {
    static let adminToken = "conformance-admin-" + String(repeating: "z", count: 16)

    /// A tool from PATH (including pip's user and pyenv folders), or a failure saying how to get it.
    static func tool(_ name: String) throws -> String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":\(home)/.local/bin:\(home)/.pyenv/shims:/usr/local/bin:/usr/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw HarnessError("\(name) is not installed; run scripts/bootstrap.sh (or scripts/test.sh) first")
    }

    /// Runs a tool to completion, feeding `input`; returns its exit status and output.
    ///
    /// The waiting happens on a Dispatch thread: blocking one of the few threads Swift
    /// concurrency runs on would starve the fake Bot API and the other tests meanwhile.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        try process.run()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                if let input {
                    inputPipe.fileHandleForWriting.write(input)
                    inputPipe.fileHandleForWriting.closeFile()
                }
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }
        }
    }

    /// The tokens of the bots `alpha` and `beta` of ``startHost()``.
    static let tokens = (0..<2).map { index in
        "880\(index):" + String(repeating: Character(UnicodeScalar(UInt8(97 + index))), count: 35)
    }

    /// Starts the binary with two running bots that have handled some traffic.
    static func startHost() async throws -> (FakeBotAPI, AviaryProcess, HTTPProbe) {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        for (index, id) in ["alpha", "beta"].enumerated() {
            let token = tokens[index]
            fake.addBot(token: token, userID: Int64(8800 + index), username: "\(id)_bot")
            try sandbox.writeManifest(
                id, HTTPTestHost.manifest(id: id, brand: index == 0 ? "han" : "lumen", token: token, apiURL: fake.baseURL))
            let user = FakeUser(id: 55, firstName: "Dora")
            fake.sendText(token: token, chatID: user.id, from: user, text: "hello")
        }
        let config = sandbox.root.appendingPathComponent("aviary.yaml").path
        try "api:\n  failed_auth_per_minute: 1000000\n".write(toFile: config, atomically: true, encoding: .utf8)
        let host = try AviaryProcess(
            arguments: sandbox.runArguments + ["--config", config],
            environment: ["AVIARY_ADMIN_TOKEN": adminToken], logPath: sandbox.logPath)
        let port = try await host.httpPort()
        try await host.waitForLog("bot started", count: 2)
        return (fake, host, HTTPProbe(baseURL: "http://127.0.0.1:\(port)"))
    }

    @Test("a live /metrics passes promtool check metrics and names every documented metric family")
    func promtool() async throws {
        let promtool = try Self.tool("promtool")
        let (fake, host, probe) = try await Self.startHost()
        defer { Task { await fake.stop() } }
        _ = try await probe.call(.GET, "/healthz")
        // A reply is counted just after the fake has it; a chat's replies go one after the
        // other, so once a second one reached the fake, the first is counted.
        let user = FakeUser(id: 55, firstName: "Dora")
        for token in Self.tokens {
            fake.sendText(token: token, chatID: user.id, from: user, text: "again")
            _ = try await fake.waitForSentMessages(token: token, count: 2, timeout: .seconds(90))
        }
        let metrics = try await probe.call(.GET, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        for family in [
            "aviary_updates_received_total{bot=\"alpha\",type=\"message\"} 2", "aviary_updates_handled_total",
            "aviary_messages_sent_total{bot=\"alpha\"}", "aviary_messages_sent_total{bot=\"beta\"}",
            "aviary_update_handling_seconds_bucket",
            "aviary_bot_api_call_seconds_bucket{bot=\"alpha\",method=\"sendMessage\"", "aviary_inbox_depth{bot=\"alpha\"}",
            "aviary_outbox_depth", "aviary_bots{state=\"running\"} 2", "aviary_dead_letters_total",
            "aviary_rate_limited_total", "aviary_updates_failed_total", "aviary_database_bytes{bot=\"alpha\"}",
        ] {
            #expect(metrics.text.contains(family), "missing \(family)")
        }
        #expect(!metrics.text.contains(String(repeating: "a", count: 35)), "no token in metrics")
        let (status, output) = try await Self.run(promtool, ["check", "metrics"], input: metrics.body)
        #expect(status == 0, "promtool: \(output)")
        host.signal(SIGTERM)
        _ = try await host.waitForExit()
    }

    @Test("schemathesis finds no failure against openapi.yaml, with every check")
    func schemathesis() async throws {
        let schemathesis = try Self.tool("schemathesis")
        let (fake, host, probe) = try await Self.startHost()
        defer { Task { await fake.stop() } }
        // Writing a manifest answers 412 and 428 (If-Match) and 422 (errors by line) to requests
        // the schema cannot tell apart from good ones: those are the documented answers there.
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("schemathesis-\(UUID()).toml")
        try """
            [[operations]]
            include-operation-id-regex = "^(putManifest|deleteManifest|enableBot|disableBot)$"
            checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422", "428", "429"]
            """.write(to: config, atomically: true, encoding: .utf8)
        let (status, output) = try await Self.run(
            schemathesis,
            [
                "--config-file", config.path,
                "run", "\(probe.baseURL)/api/v1/openapi.yaml", "--header", "Authorization: Bearer \(Self.adminToken)",
                "--checks", "all", "--max-examples", "25", "--seed", "20261125", "--no-color",
            ])
        #expect(status == 0, "schemathesis:\n\(output.suffix(6000))")
        let ready = try await probe.call(.GET, "/readyz")
        #expect(ready.status == 200)
        host.signal(SIGTERM)
        _ = try await host.waitForExit()
    }

    @Test("readyz is 200 once every bot settled (a retrying one too), 503 while shutting down; healthz 200 throughout")
    func readiness() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let sandbox = try HostSandbox()
        let token = "8810:" + String(repeating: "r", count: 35)
        fake.addBot(token: token, userID: 8810, username: "ready_bot")
        fake.failNext(token: token, method: "getMe", times: 1_000, with: .badGateway)
        try sandbox.writeManifest("ready", HTTPTestHost.manifest(id: "ready", brand: "han", token: token, apiURL: fake.baseURL))
        // The drain below lasts until the test lets the refused reply through, not for a window
        // of wall-clock time: the flush timeout is far beyond what the test needs.
        var arguments = sandbox.runArguments + ["--flush-timeout", "600"]
        arguments[arguments.firstIndex(of: "--shutdown-timeout")! + 1] = "900"
        let host = try AviaryProcess(arguments: arguments, logPath: sandbox.logPath)
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        try await host.waitForLog("cannot reach the platform")
        // Retrying counts as settled but failing (#18): ready, with the bot named and why.
        let retrying = try await probe.call(.GET, "/readyz")
        #expect(retrying.status == 200)
        #expect(retrying.text.hasPrefix("ready\nready: retrying: cannot reach the platform"), "\(retrying.text)")
        #expect(try await probe.call(.GET, "/healthz").status == 200)
        fake.clearFailures(token: token, method: "getMe")
        try await host.waitForLog("bot started", timeout: .seconds(60))
        #expect(try await probe.call(.GET, "/readyz").status == 200)

        // A reply the API keeps refusing holds the drain until the API takes it.
        fake.failNext(token: token, method: "sendMessage", times: 1_000, with: .badGateway)
        let user = FakeUser(id: 12, firstName: "Eve")
        fake.sendText(token: token, chatID: user.id, from: user, text: "hi")
        try await host.waitForLog("sending failed, retrying")
        host.signal(SIGTERM)
        try await host.waitForLog("shutting down: draining")
        #expect(try await probe.call(.GET, "/readyz").status == 503)
        #expect(try await probe.call(.GET, "/healthz").status == 200)
        #expect(fake.sentMessages(token: token).isEmpty, "the drain was still holding the refused reply")
        fake.clearFailures(token: token, method: "sendMessage")
        _ = try await fake.waitForSentMessages(token: token, count: 1, timeout: .seconds(120))
        #expect(try await host.waitForExit() == 0)
    }
}
