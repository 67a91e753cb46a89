import Foundation
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shipped `bots.d` with the real binary and no network: the sandbox demo bots answer
/// through the management API, menus and button presses included.
@Suite("End to end: sandbox bots", .timeLimit(.minutes(5)))
struct SandboxEndToEndTests {
    static let admin = "sandbox-admin-" + String(repeating: "s", count: 18)

    /// The bot's messages in person 42's conversation that changed after `revision`, waiting
    /// (long polls of up to 20 s, a few times) until there is one.
    static func botMessages(_ probe: HTTPProbe, after revision: Int64, headers: [(String, String)]) async throws
        -> ([[String: Any]], Int64)
    {
        var revision = revision
        for _ in 0..<5 {
            let answer = try await probe.call(
                .GET, "/api/v1/bots/han-demo/sandbox/chats/42?after=\(revision)&wait=20", headers: headers)
            revision = (answer.json["revision"] as? NSNumber)?.int64Value ?? revision
            let fromBot = (answer.json["messages"] as? [[String: Any]] ?? []).filter { $0["from"] as? String == "bot" }
            if !fromBot.isEmpty { return (fromBot, revision) }
        }
        return ([], revision)
    }

    @Test("the shipped han-demo: /start opens the profile wizard, /help a menu whose button leads on")
    func shippedDemo() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sandbox = try HostSandbox()
        let host = try AviaryProcess(
            arguments: ["run", "--bots-dir", root.appendingPathComponent("bots.d").path, "--data-dir", sandbox.dataDirectory,
                        "--http-port", "0", "--shutdown-timeout", "5"],
            environment: ["AVIARY_ADMIN_TOKEN": Self.admin, "TELEGRAM_API_URL": "http://127.0.0.1:9"],
            logPath: sandbox.logPath)
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        try await host.waitForLog("bot started", count: 2)
        let headers = [("Authorization", "Bearer \(Self.admin)"), ("Content-Type", "application/json")]
        func write(_ text: String) async throws {
            let sent = try await probe.call(
                .POST, "/api/v1/bots/han-demo/sandbox/messages", headers: headers,
                body: Data(#"{"user_id":42,"first_name":"Ann","text":"\#(text)"}"#.utf8))
            #expect(sent.status == 202, "\(sent.text)")
        }

        try await write("/start")
        var (messages, revision) = try await Self.botMessages(probe, after: 0, headers: headers)
        #expect((messages.first?["text"] as? String)?.hasPrefix("Hi! I help people meet.") == true, "\(messages)")
        if messages.count < 2 { (messages, revision) = try await Self.botMessages(probe, after: revision, headers: headers) }
        #expect(messages.contains { $0["text"] as? String == "What's your name?" }, "\(messages)")

        try await write("/help")
        (messages, revision) = try await Self.botMessages(probe, after: revision, headers: headers)
        let menu = try #require(messages.first, "no answer to /help")
        let firstButton = try #require((menu["buttons"] as? [[[String: Any]]])?.first?.first)
        #expect(firstButton["text"] as? String == "How it works")
        let press = try await probe.call(
            .POST, "/api/v1/bots/han-demo/sandbox/presses", headers: headers,
            body: Data(#"{"user_id":42,"message_id":\#(menu["id"] as! NSNumber),"data":"\#(firstButton["data"] as! String)"}"#.utf8))
        #expect(press.status == 202, "\(press.text)")
        (messages, revision) = try await Self.botMessages(probe, after: revision, headers: headers)
        #expect(messages.contains { ($0["text"] as? String)?.hasPrefix("You fill in a profile") == true }, "\(messages)")

        let bots = try await probe.call(.GET, "/api/v1/bots", headers: headers)
        #expect(bots.text.contains(#""id":"han-demo","manifest_errors":[],"mode":"in_process""#), "\(bots.text)")
        #expect(try await probe.call(.POST, "/api/v1/bots/han-ru/sandbox/messages", headers: headers, body: Data(#"{"user_id":1,"text":"x"}"#.utf8)).status == 404)
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }
}

/// `--log-format json` with the real binary: every line is one JSON object with the metadata.
@Suite("End to end: JSON logs", .timeLimit(.minutes(5)))
struct JSONLogEndToEndTests {
    @Test("every log line is a JSON object; bot lines carry the bot's id")
    func jsonLines() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("quiet", "platform: sandbox\nplugins: [echo]\n")
        let host = try AviaryProcess(
            arguments: sandbox.runArguments + ["--log-format", "json"], logPath: sandbox.logPath)
        try await host.waitForLog(#""message":"bot started""#)
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        let lines = host.log.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count >= 4)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["ts"] != nil && object?["level"] != nil && object?["message"] != nil, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""bot":"quiet""#) && $0.contains(#""message":"bot started""#) })
    }
}
