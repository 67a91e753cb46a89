import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import Storage
import Testing
@testable import Host

/// The dashboard's "A person's data" form, on a bot's page and in the sandbox chat: the API's
/// export, downloaded as a file, scoped by brand and guarded by the session's CSRF token.
@Suite("Dashboard: exporting a person", .serialized, .timeLimit(.minutes(5)))
struct DashboardExportTests {
    @Test("the bot page's form downloads the export; a bad id is refused, a stale form too, another brand gets 404")
    func exportForm() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.hanToken)
            let page = String(buffer: try await browser.get("/bots/alpha").body)
            #expect(page.contains(#"<form method="post" action="/bots/alpha/people/export">"#))
            #expect(page.contains(#"id="export-person""#))

            let download = try await browser.post("/bots/alpha/people/export", ["user_id": "5"])
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition] == #"attachment; filename="alpha-person-5.json""#)
            #expect(download.headers[.contentType] == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: download.body)) as? [String: Any])
            #expect(json["user_id"] as? Int64 == 5 && json["bot"] as? String == "alpha")

            let bad = try await browser.post("/bots/alpha/people/export", ["user_id": "five"])
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("User_id &#39;five&#39; is not a person&#39;s id"))
            let stale = try await browser.post("/bots/alpha/people/export", ["user_id": "5"], csrf: false)
            #expect(stale.status == .forbidden)
            let other = try await browser.post("/bots/beta/people/export", ["user_id": "5"])
            #expect(other.status == .notFound, "beta is lumen's")
        }
        let records = try await host.surface.audit.records(.init(limit: 50))
        #expect(records.filter { $0.entry.action == "person.exported" }.map(\.entry.actor) == ["brand:han"])
    }

    @Test("the sandbox chat offers the person's export, not for someone new")
    func chatButton() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let empty = String(buffer: try await browser.get("/chat?bot=gamma").body)
            #expect(!empty.contains("/people/export"))
            _ = try await browser.post("/chat/gamma/messages", ["user_id": "7", "first_name": "Ann", "text": "hi"])
            let page = String(buffer: try await browser.get("/chat?bot=gamma&user=7").body)
            #expect(page.contains(#"<form class="export" method="post" action="/bots/gamma/people/export">"#))
            #expect(page.contains("Export Ann&#39;s data") || page.contains("Export Ann's data"))
        }
    }
}
