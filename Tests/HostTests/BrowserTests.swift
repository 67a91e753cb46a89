import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The dashboard in a real browser: headless Chromium (Debian's `chromium` and
/// `chromium-driver`) driven by Selenium (PyPI) through `Tests/Browser/dashboard_check.py`,
/// against the real binary on the shipped `bots.d`. `scripts/bootstrap.sh --tests` installs
/// all three. Screenshots land in `.build/browser-screenshots/`.
@Suite("Browser: the dashboard in headless Chromium", .serialized, .timeLimit(.minutes(10)))
struct BrowserTests {
    static let admin = "browser-admin-" + String(repeating: "b", count: 18)
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The real binary on a copy of the shipped `bots.d` (the browser writes manifests into it):
    /// two sandbox demo bots run, the Telegram ones fail for want of a reachable Bot API.
    static func startShippedHost(shutdownTimeout: Int = 10) async throws -> (AviaryProcess, String) {
        let sandbox = try HostSandbox()
        let shipped = packageRoot.appendingPathComponent("bots.d").path
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped) {
            try FileManager.default.copyItem(atPath: "\(shipped)/\(name)", toPath: "\(sandbox.botsDirectory)/\(name)")
        }
        let host = try AviaryProcess(
            arguments: [
                "run", "--bots-dir", sandbox.botsDirectory, "--data-dir",
                sandbox.dataDirectory, "--http-port", "0", "--shutdown-timeout", "\(shutdownTimeout)",
            ],
            environment: ["AVIARY_ADMIN_TOKEN": admin, "TELEGRAM_API_URL": "http://127.0.0.1:9"],
            logPath: sandbox.logPath)
        let base = "http://127.0.0.1:\(try await host.httpPort())"
        try await host.waitForLog("bot started", count: 2)
        return (host, base)
    }

    @Test("sign in, see the bots, talk to a sandbox bot, press a button, watch the counters; a wrong token is refused")
    func dashboardInChromium() async throws {
        for program in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: program) {
            throw HarnessError("\(program) is missing; run scripts/bootstrap.sh --tests (Debian chromium and chromium-driver)")
        }
        let python = try ConformanceTests.tool("python3")
        let (host, base) = try await Self.startShippedHost()
        let screenshots = Self.packageRoot.appendingPathComponent(".build/browser-screenshots").path
        let (status, output) = try await ConformanceTests.run(
            python,
            [
                Self.packageRoot.appendingPathComponent("Tests/Browser/dashboard_check.py").path, "--url", base,
                "--token", Self.admin, "--screenshots", screenshots,
            ])
        #expect(status == 0, "the browser check failed (screenshots in \(screenshots)):\n\(output.suffix(4000))")
        #expect(output.contains("browser: every check passed"), "\(output.suffix(4000))")
        #expect(!host.log.contains(Self.admin), "the token never reaches the log")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }

    @Test("an open live feed ends when shutdown begins instead of holding the host up")
    func liveFeedDuringShutdown() async throws {
        let (host, base) = try await Self.startShippedHost(shutdownTimeout: 3600)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let session = try await Self.signIn(base: base, client: client)
        var request = HTTPClientRequest(url: base + "/events")
        request.headers.add(name: "Cookie", value: "aviary_session=\(session)")
        let response = try await client.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        var chunks = response.body.makeAsyncIterator()
        let first = try await chunks.next()
        #expect(first.map { String(buffer: $0) }?.contains("retry:") == true)
        host.signal(SIGTERM)
        // The feed must end by itself: with it holding the server, the host would wait out its
        // hour-long shutdown timeout, and the suite's time limit would end the test first.
        while try await chunks.next() != nil {}
        #expect(try await host.waitForExit(timeout: .seconds(3600)) == 0)
    }

    /// Signs in through the form as the admin; returns the session cookie's value.
    static func signIn(base: String, client: HTTPClient) async throws -> String {
        let form = try await client.execute(HTTPClientRequest(url: base + "/login"), timeout: .seconds(10))
        let loginCookie = try #require(
            form.headers["Set-Cookie"].first { $0.hasPrefix("aviary_login=") }?.split(separator: ";").first?
                .dropFirst("aviary_login=".count))
        var post = HTTPClientRequest(url: base + "/login")
        post.method = .POST
        post.headers.add(name: "Cookie", value: "aviary_login=\(loginCookie)")
        post.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        post.body = .bytes(ByteBuffer(string: "csrf=\(loginCookie)&token=\(admin)"))
        let answer = try await client.execute(post, timeout: .seconds(10))
        #expect(answer.status == .seeOther)
        let session = try #require(
            answer.headers["Set-Cookie"].first { $0.hasPrefix("aviary_session=") }?.split(separator: ";").first?
                .dropFirst("aviary_session=".count))
        return String(session)
    }
}
