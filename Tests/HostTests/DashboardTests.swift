import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import Tenant
import Testing
@testable import Host

/// The dashboard in process: sign-in and sessions, CSRF, brand scoping, the pages, the live
/// feed and the sandbox chat.
@Suite("Dashboard", .serialized, .timeLimit(.minutes(5)))
struct DashboardTests {
    @Test("a visitor is sent to sign in; a wrong token or a stale form is refused; sign-out ends the session")
    func signingIn() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/login")
            let feed = try await client.execute(uri: "/events", method: .get, headers: [.accept: "application/json"])
            #expect(feed.status == .unauthorized)

            var browser = DashboardClient(client)
            let wrong = try await browser.signIn("not-a-token")
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("That token is not valid"))
            #expect(browser.session == nil)

            let stale = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=abc&token=\(HTTPTestHost.adminToken)"))
            #expect(stale.status == .forbidden)
            #expect(DashboardClient.cookie(DashboardAuthMiddleware.cookieName, in: stale) == nil)

            let signedIn = try await browser.signIn(HTTPTestHost.adminToken)
            #expect(signedIn.status == .seeOther)
            let cookie = try #require(DashboardClient.setCookie(DashboardAuthMiddleware.cookieName, in: signedIn))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "plain HTTP without a proxy saying otherwise")
            let page = try await browser.get("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)

            let out = try await browser.post("/logout")
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/login")
            let after = try await browser.get("/")
            #expect(after.headers[.location] == "/login")
        }
    }

    @Test("behind an HTTPS proxy the session cookie is Secure")
    func secureCookie() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let form = try await client.execute(uri: "/login", method: .get)
            let loginCookie = try #require(DashboardClient.cookie(Dashboard.loginCookie, in: form))
            let answer = try await client.execute(
                uri: "/login", method: .post,
                headers: [
                    .cookie: "\(Dashboard.loginCookie)=\(loginCookie)", .contentType: "application/x-www-form-urlencoded",
                    HTTPField.Name("X-Forwarded-Proto")!: "https",
                ],
                body: ByteBuffer(string: "csrf=\(loginCookie)&token=\(HTTPTestHost.adminToken)"))
            let cookie = try #require(DashboardClient.setCookie(DashboardAuthMiddleware.cookieName, in: answer))
            #expect(cookie.contains("Secure"))
        }
    }

    @Test("failed sign-ins from one address are limited like API calls, and a valid token still signs in")
    func signInLimit() async throws {
        let host = try await HTTPTestHost.start(limiter: FailedAuthLimiter(burst: 2, interval: .seconds(60)))
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            #expect(try await browser.signIn("wrong-1").status == .unauthorized)
            #expect(try await browser.signIn("wrong-2").status == .unauthorized)
            let limited = try await browser.signIn("wrong-3")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(browser.session == nil)
            // Issue #14.10: an address over its limit is not locked out of a valid token.
            #expect(try await browser.signIn(HTTPTestHost.adminToken).status == .seeOther)
            #expect(browser.session != nil)
        }
    }

    @Test("a brand token sees its own brand's bots only, and cannot reload")
    func brandScope() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.hanToken)
            let table = String(buffer: try await browser.get("/").body)
            #expect(table.contains(#"data-bot="alpha""#))
            #expect(table.contains(#"data-bot="gamma""#))
            #expect(!table.contains(#"data-bot="beta""#))
            #expect(!table.contains(#"id="reload""#))
            let other = try await browser.get("/bots/beta")
            #expect(other.status == .notFound)
            #expect(String(buffer: other.body).contains("No bot &#39;beta&#39;") || String(buffer: other.body).contains("No bot 'beta'"))
            let reload = try await browser.post("/reload")
            #expect(reload.status == .forbidden)
            let stop = try await browser.post("/bots/beta/stop")
            #expect(stop.status == .notFound)
            #expect(host.supervisor.table.snapshot["beta"] == .running)
            let feed = String(buffer: try await browser.get("/chat").body)
            #expect(feed.contains(#"value="gamma""#))
        }
    }

    @Test("a form without the session's CSRF token changes nothing; with it, stop and start work")
    func csrfAndControls() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let forged = try await browser.post("/bots/alpha/stop", csrf: false)
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains("security token"))
            let wrong = try await browser.post("/bots/alpha/stop", ["csrf": String(repeating: "0", count: 64)], csrf: false)
            #expect(wrong.status == .forbidden)
            #expect(host.supervisor.table.snapshot["alpha"] == .running)

            let stopped = try await browser.post("/bots/alpha/stop")
            #expect(stopped.status == .seeOther)
            #expect(stopped.headers[.location] == "/bots/alpha?done=stopped")
            #expect(host.supervisor.table.snapshot["alpha"] != .running)
            let page = String(buffer: try await browser.get("/bots/alpha?done=stopped").body)
            #expect(page.contains("Stopped. Reloads leave it stopped"))
            #expect(page.contains(#"id="start-bot">"#), "start is enabled while stopped")

            let started = try await browser.post("/bots/alpha/start")
            #expect(started.status == .seeOther)
            await host.waitUntilRunning("alpha")
        }
    }

    @Test("a bot's page shows the masked manifest, plugins, counters, the chart and dead letters")
    func botPage() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let response = try await browser.get("/bots/alpha")
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            let token = try #require(HTTPTestHost.bots["alpha"]?.1)
            #expect(!page.contains(token), "the token never reaches the page")
            #expect(page.contains("4101:***"))
            #expect(page.contains("<li>echo</li>"))
            #expect(page.contains(#"<dl class="counters" data-bot="alpha">"#))
            #expect(page.contains("<svg viewBox=\"0 0 600 120\" role=\"img\""))
            #expect(page.components(separatedBy: "<rect class=\"received\"").count - 1 == 60)
            #expect(page.contains("Dead letters"))
            #expect(page.contains(#"id="stop-bot">"#))

            let sandbox = String(buffer: try await browser.get("/bots/gamma").body)
            #expect(sandbox.contains(#"href="/chat?bot=gamma""#))
        }
    }

    @Test("a bot's page and its API name each remote plugin by its instance, remote:<name>, not 'remote'")
    func remotePluginNames() async throws {
        let manifest = """
            id: delta
            brand: han
            platform: sandbox
            plugins:
              - remote: {name: horoscope, url: "http://127.0.0.1:9/hook", secret: "\(ManifestRemotePluginTests.secret)"}
              - remote: {name: weather, url: "http://127.0.0.1:9/w", secret: "\(ManifestRemotePluginTests.secret)"}
              - echo
            """
        let host = try await HTTPTestHost.start(extraManifests: ["delta": manifest])
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let page = String(buffer: try await browser.get("/bots/delta").body)
            #expect(page.contains("<li>remote:horoscope</li>") && page.contains("<li>remote:weather</li>"), "\(page)")
            #expect(!page.contains("<li>remote</li>"))
            let detail = try await ManifestAPITests.call(
                client, .get, "/api/v1/bots/delta", as: HTTPTestHost.adminToken)
            #expect(detail.body.contains(#""plugins":["remote:horoscope","remote:weather","echo"]"#), "\(detail.body)")
        }
    }

    @Test("the live feed streams every visible bot's figures, or one bot's")
    func liveFeed() async throws {
        var started = try await HTTPTestHost.start()
        // A stream ends after three events, sent back to back, so its whole body can be read.
        started.surface.liveFeed = .ending(after: 3)
        let host = started
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.hanToken)
            let all = try await browser.get("/events")
            let events = try Self.events(in: all.body)
            #expect(all.status == .ok)
            #expect(all.headers[.contentType] == "text/event-stream")
            #expect(String(buffer: all.body).hasPrefix("retry: 2000\n\n"))
            try #require(events.count == 3, "the feed streams event after event: \(events.count) events")
            for bots in events { #expect(bots.map(\.id).sorted() == ["alpha", "gamma"]) }
            let alpha = try #require(events.last?.first { $0.id == "alpha" })
            #expect(alpha.state == "running")
            #expect(alpha.updates != nil)

            let one = try Self.events(in: try await browser.get("/events?bot=gamma").body)
            #expect(one.count == 3, "the one-bot feed streams too")
            for bots in one { #expect(bots.map(\.id) == ["gamma"]) }
        }
    }

    @Test("the chat pane: a person writes, the bot answers, a button press gets the next message")
    func chat() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.hanToken)
            let empty = String(buffer: try await browser.get("/chat?bot=gamma").body)
            #expect(empty.contains("Someone new"))
            #expect(empty.contains(#"<input id="first_name" name="first_name" value="Guest 1""#))

            let sent = try await browser.post("/chat/gamma/messages", ["user_id": "7", "first_name": "Ann", "text": "/start"])
            #expect(sent.status == .seeOther)
            #expect(sent.headers[.location] == "/chat?bot=gamma&user=7")
            let sandbox = try #require(host.supervisor.sandboxes["gamma"])
            let reply = await sandbox.waitForMessages(chatID: 7, after: 1, timeout: .seconds(10))
            let welcome = try #require(reply.first { $0.from == .bot })
            let page = String(buffer: try await browser.get("/chat?bot=gamma&user=7").body)
            #expect(page.contains("Welcome!"))
            #expect(page.contains(#"<option value="7" selected>Ann (#7)</option>"#))
            #expect(page.contains(#"<input type="hidden" name="data" value="r:rules">"#))

            let pressed = try await browser.post(
                "/chat/gamma/presses", ["user_id": "7", "message_id": "\(welcome.id)", "data": "r:rules"],
                accept: "application/json")
            #expect(pressed.status == .accepted)
            var revision = welcome.revision
            var answered = false
            for _ in 0..<10 where !answered {
                let changed = await sandbox.waitForMessages(chatID: 7, after: revision, timeout: .seconds(5))
                answered = changed.contains { $0.text == "Be kind." }
                revision = changed.map(\.revision).max() ?? revision
            }
            #expect(answered, "the press's answer arrives")
            let json = try await browser.get("/chat/gamma/conversations/7?after=0", accept: "application/json")
            #expect(String(buffer: json.body).contains("Be kind."))

            let noButton = try await browser.post(
                "/chat/gamma/presses", ["user_id": "7", "message_id": "\(welcome.id)", "data": "nope"], accept: "application/json")
            #expect(noButton.status == .badRequest)
            #expect(noButton.headers[.contentType] == "application/problem+json")
            let blank = try await browser.post("/chat/gamma/messages", ["user_id": "7", "text": "  "])
            #expect(blank.status == .badRequest)
            #expect(String(buffer: blank.body).contains("Write a message before sending."))
            let notSandbox = try await browser.post("/chat/alpha/messages", ["user_id": "7", "text": "hi"])
            #expect(notSandbox.status == .notFound)

            let sentPhoto = try await browser.post(
                "/chat/gamma/messages", ["user_id": "7", "text": "", "photo": "1"], accept: "application/json")
            #expect(sentPhoto.status == .accepted)
            #expect(sandbox.messages(chatID: 7).last { $0.from == .user }?.photo?.hasPrefix("sandbox-photo-") == true)

            _ = try await sandbox.perform(.send(OutgoingMessage(chatID: 7, text: "Anna, 27", photo: "demo-photo")))
            #expect(String(buffer: try await browser.get("/chat?bot=gamma&user=7").body).contains("📷 Anna, 27"))
            let photo = try await browser.get("/chat/gamma/conversations/7?after=0", accept: "application/json")
            #expect(String(buffer: photo.body).contains(#""photo":"demo-photo""#))
        }
    }

    @Test("reload shows what it did, and what changed in a restarted bot")
    func reload() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try host.sandbox.writeManifest(
            "gamma", HTTPTestHost.sandboxManifest.replacingOccurrences(of: "Be kind.", with: "Be very kind."))
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let response = try await browser.post("/reload")
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            #expect(page.contains("Restarted (1)"))
            #expect(page.contains("plugins[0].settings.replies.rules: &quot;Be kind.&quot; → &quot;Be very kind.&quot;"))
            #expect(page.contains("Unchanged (2)"))
            await host.waitUntilRunning("gamma")
        }
    }

    /// Each `bots` event's bots; an event that does not decode fails the test instead of being skipped.
    static func events(in body: ByteBuffer) throws -> [[LiveBotView.Decoded]] {
        struct Event: Decodable { var bots: [LiveBotView.Decoded] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try String(buffer: body).components(separatedBy: "\n\n").compactMap { block in
            guard block.hasPrefix("event: bots\ndata: ") else { return nil }
            let data = Data(block.dropFirst("event: bots\ndata: ".count).utf8)
            return try decoder.decode(Event.self, from: data).bots
        }
    }
}

extension LiveBotView {
    /// The fields a test reads back from the feed.
    struct Decoded: Decodable {
        var id: String
        var state: String
        var updates: Int64?
    }
}
