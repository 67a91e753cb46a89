import FakeBotAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Tenant
import Testing
@testable import Host

/// The README's "Dashboard", promise by promise, on the in-process host: sessions that end
/// after 12 hours unused, the headers pages and the live feed carry, the live table across
/// reloads, and (in `DashboardPromiseTests+Controls.swift`) the bot page's buttons.
@Suite("Dashboard promises", .serialized, .timeLimit(.minutes(5)))
struct DashboardPromiseTests {
    /// How long an unused session lives, as the README says.
    static let sessionLifetime: TimeInterval = 12 * 3600

    @Test("a session unused for 12 hours ends: the visitor is sent to sign in and its forms change nothing")
    func sessionExpiry() async throws {
        let clock = ManualDate()
        var started = try await HTTPTestHost.start()
        started.surface.sessions = DashboardSessions(now: { clock.now })
        // A feed a live session opens ends after one event instead of streaming for minutes.
        started.surface.liveFeed = .ending(after: 1)
        let host = started
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            clock.advance(by: Self.sessionLifetime - 1)
            #expect(try await browser.get("/").status == .ok, "a second before its end the session lives")
            clock.advance(by: Self.sessionLifetime - 1)
            #expect(try await browser.get("/").status == .ok, "each use starts the 12 hours again")

            clock.advance(by: Self.sessionLifetime)
            let page = try await browser.get("/bots/alpha")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/login")
            let feed = try await browser.get("/events", accept: "application/json")
            #expect(feed.status == .unauthorized)
            let stop = try await browser.post("/bots/alpha/stop")
            #expect(stop.status == .unauthorized)
            #expect(host.supervisor.table.snapshot["alpha"] == .running, "the ended session's form changed nothing")
            let form = try await browser.get("/login")
            #expect(form.status == .ok, "the sign-in form, not a redirect home")
            #expect(String(buffer: form.body).contains(#"name="token""#))

            #expect(try await browser.signIn(HTTPTestHost.adminToken).status == .seeOther)
            #expect(try await browser.get("/").status == .ok, "signing in again opens a new session")
        }
    }

    @Test("every page, error pages and the live feed included, forbids framing under default-src 'self'")
    func contentSecurityPolicy() async throws {
        var started = try await HTTPTestHost.start()
        started.surface.liveFeed = .ending(after: 1)
        let host = started
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            let signInForm = try await client.execute(uri: "/login", method: .get)
            try await browser.signIn(HTTPTestHost.adminToken)
            let answers: [(String, TestResponse)] = [
                ("GET /login", signInForm),
                ("GET /", try await browser.get("/")),
                ("GET /bots/alpha", try await browser.get("/bots/alpha")),
                ("GET /chat?bot=gamma", try await browser.get("/chat?bot=gamma")),
                ("GET /bots/nobody", try await browser.get("/bots/nobody")),
                ("POST /reload", try await browser.post("/reload")),
                ("POST a forged form", try await browser.post("/bots/alpha/stop", csrf: false)),
                ("GET /events", try await browser.get("/events")),
            ]
            for (call, answer) in answers {
                let policy = answer.headers[.contentSecurityPolicy] ?? ""
                let directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(directives.contains("default-src 'self'"), "\(call): \(policy)")
                #expect(directives.contains("frame-ancestors 'none'"), "\(call): \(policy)")
            }
            #expect(answers.map(\.1.status) == [.ok, .ok, .ok, .ok, .notFound, .ok, .forbidden, .ok])
        }
    }

    @Test("the live feed tells a buffering proxy to pass it through: X-Accel-Buffering: no")
    func liveFeedIsNotBuffered() async throws {
        var started = try await HTTPTestHost.start()
        started.surface.liveFeed = .ending(after: 1)
        let host = started
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.hanToken)
            for uri in ["/events", "/events?bot=gamma"] {
                let feed = try await browser.get(uri)
                #expect(feed.status == .ok, "\(uri)")
                #expect(feed.headers[.contentType] == "text/event-stream", "\(uri)")
                #expect(feed.headers[HTTPField.Name("X-Accel-Buffering")!] == "no", "\(uri)")
            }
        }
    }

    @Test("a bot a reload adds appears in the open live feed and the table; one a reload removes goes from both")
    func liveTableFollowsReloads() async throws {
        let gate = LiveFeedGate()
        var started = try await HTTPTestHost.start()
        started.surface.liveFeed = gate.feed
        let host = started
        defer { Task { await host.stop() } }
        let token = "4109:" + String(repeating: "d", count: 35)
        host.fake.addBot(token: token, userID: 4109, username: "delta_bot")
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let reader = browser
            // One stream stays open across both reloads, as a browser's does, sending an event
            // only when the test says so.
            async let stream = reader.get("/events")
            await gate.waitForEvents(1)

            try host.sandbox.writeManifest(
                "delta", HTTPTestHost.manifest(id: "delta", brand: "han", token: token, apiURL: host.fake.baseURL))
            let added = String(buffer: try await browser.post("/reload").body)
            #expect(added.contains("Started (1)"), "\(added)")
            #expect(String(buffer: try await browser.get("/").body).contains(#"data-bot="delta""#))
            gate.release(sendingMore: true)
            await gate.waitForEvents(2)

            try host.sandbox.removeManifest("delta")
            let removed = String(buffer: try await browser.post("/reload").body)
            #expect(removed.contains("Stopped (1)"), "\(removed)")
            #expect(!String(buffer: try await browser.get("/").body).contains(#"data-bot="delta""#))
            gate.release(sendingMore: true)
            await gate.waitForEvents(3)
            gate.release(sendingMore: false)

            let feed = try await stream
            #expect(feed.status == .ok)
            let events = try DashboardTests.events(in: feed.body).map { $0.map(\.id) }
            #expect(
                events == [["alpha", "beta", "gamma"], ["alpha", "beta", "delta", "gamma"], ["alpha", "beta", "gamma"]])
        }
    }
}
