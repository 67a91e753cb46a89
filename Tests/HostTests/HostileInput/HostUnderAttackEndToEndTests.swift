import Foundation
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue #14's "done when": the real binary under every reproduction at once, from a chat
/// user, a brand operator and unauthenticated callers, keeps answering `/healthz`, and a bot of
/// another brand keeps replying; afterwards SIGTERM still drains it and it exits 0.
@Suite("End to end: a host under every attack at once", .serialized, .timeLimit(.minutes(5)))
struct HostUnderAttackEndToEndTests {
    static let admin = "attack-admin-" + String(repeating: "a", count: 20)
    static let brandToken = "brand-han-token-0123456789abcdef"
    /// `printf %s brand-han-token-0123456789abcdef | sha256sum`
    static let brandDigest = "da93d46d7e181254cc7e2d4d5c8cecaa5e19859707dd95e5e91b0577b37b37e3"

    static let bystander = """
        id: bystander
        brand: lumen
        platform: sandbox
        plugins:
          - echo
        """

    @Test("a host under all of #14's reproductions at once answers /healthz and its other bots reply")
    func everythingAtOnce() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let sandbox = try HostSandbox()
        try FileManager.default.copyItem(
            atPath: root.appendingPathComponent("bots.d/han-demo.yaml").path,
            toPath: sandbox.botsDirectory + "/han-demo.yaml")
        try sandbox.writeManifest("bystander", Self.bystander)
        let config = sandbox.root.appendingPathComponent("aviary.yaml").path
        try "api:\n  brand_tokens:\n    han: \(Self.brandDigest)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let host = try AviaryProcess(
            arguments: sandbox.runArguments + ["--config", config],
            environment: ["AVIARY_ADMIN_TOKEN": Self.admin, "SECRET_FOR_NOBODY": "do-not-echo-me-0123456789"],
            logPath: sandbox.logPath)
        let port = try await host.httpPort()
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(port)")
        try await host.waitForLog("bot started", count: 2)
        let admin = [("Authorization", "Bearer \(Self.admin)"), ("Content-Type", "application/json")]
        let brand = [("Authorization", "Bearer \(Self.brandToken)"), ("Content-Type", "application/json")]

        let halfOpen = try (0..<50).map { _ in try HalfOpenConnection(port: port) }
        defer { halfOpen.forEach { $0.close() } }

        try await withThrowingTaskGroup(of: Void.self) { attacks in
            // A chat user: a one-grapheme name 1,101 scalars long, then the profile card.
            attacks.addTask {
                let name = "a" + String(repeating: "\u{301}", count: 1100)
                for text in ["/start", name, "/profile"] {
                    let body = try JSONSerialization.data(withJSONObject: ["user_id": 77, "first_name": "M", "text": text])
                    let sent = try await probe.call(
                        .POST, "/api/v1/bots/han-demo/sandbox/messages", headers: admin, body: body)
                    #expect(sent.status == 202, "\(sent.text)")
                }
            }
            // A brand operator: a broadcast whose re-opened tags used to fill every part.
            attacks.addTask {
                let text = String(repeating: "<b>", count: 1400) + String(repeating: "x", count: 100)
                let body = try JSONSerialization.data(withJSONObject: ["parse_mode": "HTML", "text": text])
                let queued = try await probe.call(.POST, "/api/v1/bots/han-demo/broadcasts", headers: brand, body: body)
                #expect(queued.status < 500, "\(queued.text)")
            }
            // A brand operator: alias bombs and the host's environment, through validate.
            for _ in 0..<2 {
                attacks.addTask {
                    var bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
                    for level in 1..<9 { bomb += "l\(level): &l\(level) [" + Array(repeating: "*\(level == 1 ? "a" : "l\(level - 1)")", count: 10).joined(separator: ",") + "]\n" }
                    let answer = try await probe.call(
                        .POST, "/api/v1/manifests/validate?file=bomb.yaml",
                        headers: [brand[0], ("Content-Type", "application/yaml")], body: Data(bomb.utf8))
                    #expect(answer.status == 400, "\(answer.text)")
                }
            }
            attacks.addTask {
                let yaml = "id: probe\nname: ${SECRET_FOR_NOBODY}\nplatform: sandbox\nlocale: \"${AVIARY_ADMIN_TOKEN}\"\nplugins: [echo]\n"
                let answer = try await probe.call(
                    .POST, "/api/v1/manifests/validate?file=probe.yaml",
                    headers: [brand[0], ("Content-Type", "application/yaml")], body: Data(yaml.utf8))
                #expect(!answer.text.contains("do-not-echo-me"))
                #expect(!answer.text.contains(Self.admin))
            }
            // Outside numbers: an id at Int64.max.
            attacks.addTask {
                let body = Data(#"{"user_id":9223372036854775807,"first_name":"Max","text":"hi"}"#.utf8)
                let answer = try await probe.call(.POST, "/api/v1/bots/han-demo/sandbox/messages", headers: admin, body: body)
                #expect(answer.status == 400, "\(answer.text)")
            }
            // Unauthenticated: webhook deliveries to huge ids with wrong secrets.
            attacks.addTask {
                let id = String(repeating: "x", count: 60_000)
                for _ in 0..<100 {
                    let answer = try await probe.call(
                        .POST, "/webhook/\(id)", headers: [("X-Telegram-Bot-Api-Secret-Token", "wrong")],
                        body: Data("{}".utf8))
                    #expect(answer.status >= 400 && answer.status < 500)
                }
            }
            // Meanwhile the host answers, and the other brand's bot replies.
            attacks.addTask {
                for round in 0..<5 {
                    #expect(try await probe.call(.GET, "/healthz").status == 200)
                    let body = Data(#"{"user_id":5,"first_name":"Bo","text":"ping \#(round)"}"#.utf8)
                    let sent = try await probe.call(
                        .POST, "/api/v1/bots/bystander/sandbox/messages", headers: admin, body: body)
                    #expect(sent.status == 202, "\(sent.text)")
                }
            }
            try await attacks.waitForAll()
        }

        #expect(try await probe.call(.GET, "/healthz").status == 200)
        var replies: [String] = []
        var revision: Int64 = 0
        for _ in 0..<10 where replies.count < 5 {
            let answer = try await probe.call(
                .GET, "/api/v1/bots/bystander/sandbox/chats/5?after=\(revision)&wait=20", headers: admin)
            revision = (answer.json["revision"] as? NSNumber)?.int64Value ?? revision
            replies += (answer.json["messages"] as? [[String: Any]] ?? [])
                .filter { $0["from"] as? String == "bot" }.compactMap { $0["text"] as? String }
        }
        #expect(Set(replies) == Set((0..<5).map { "ping \($0)" }))
        let recent = try await probe.call(.GET, "/api/v1/bots/han-demo", headers: admin)
        #expect(!recent.text.contains("xxxxxxxxxx"), "unauthenticated webhook ids reached a bot's recent errors")

        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        #expect(!host.log.contains("do-not-echo-me"))
    }
}

/// A TCP connection that sends half a request's headers and then nothing.
struct HalfOpenConnection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError("cannot connect to port \(port)") }
        let partial = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
        _ = partial.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
    }

    func close() { _ = Glibc.close(descriptor) }
}
