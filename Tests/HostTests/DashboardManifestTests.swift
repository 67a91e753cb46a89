import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Testing
@testable import Host

/// The dashboard's "New bot" page, manifest editor, enable/disable, delete and "Activity" page,
/// as a brand operator and as another brand.
@Suite("Dashboard manifests", .serialized, .timeLimit(.minutes(5)))
struct DashboardManifestTests {
    static let manifest = "brand: han\nname: Zeta\nplatform: sandbox\nplugins:\n  - echo\n"

    static func html(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test(
        "a brand creates a bot, sees an error beside its line, fixes it, disables, enables, edits, deletes; all on Activity"
    )
    func brandOperatorWorkflow() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.hanToken)
            let blank = try await browser.get("/manifests/new")
            #expect(blank.status == .ok)
            #expect(Self.html(blank).contains("brand: han"))

            let typo = Self.manifest.replacingOccurrences(of: "plugins:", with: "plugns:")
            let refused = try await browser.post("/manifests/new", ["id": "zeta", "yaml": typo])
            #expect(refused.status == .unprocessableContent)
            let page = Self.html(refused)
            #expect(
                page.contains(
                    #"<li value="4" class="has-error"><code>plugns:</code> <span class="line-error" role="alert">line 4: plugns: unknown key; did you mean &#39;plugins&#39;?</span>"#
                ),
                "\(page)"
            )
            #expect(!FileManager.default.fileExists(atPath: host.sandbox.botsDirectory + "/zeta.yaml"))

            let created = try await browser.post("/manifests/new", ["id": "zeta", "yaml": Self.manifest])
            #expect(created.status == .seeOther, "\(Self.html(created))")
            #expect(created.headers[.location] == "/bots/zeta/manifest?done=created&outcome=started")
            let editor = try await browser.get("/bots/zeta/manifest?done=created&outcome=started")
            #expect(Self.html(editor).contains("Created; the bot started."))
            let tag = try #require(Self.html(editor).firstMatch(of: /name="etag" value="([^"]+)"/)?.1)
            #expect(Self.html(editor).contains(#"id="disable-bot""#))

            let disabled = try await browser.post("/bots/zeta/disable")
            #expect(disabled.headers[.location] == "/bots/zeta/manifest?done=disabled&outcome=stopped")
            #expect(Self.html(try await browser.get("/")).contains(#"<a href="/bots/zeta/manifest">Zeta</a>"#))
            let enabled = try await browser.post("/bots/zeta/enable")
            #expect(enabled.headers[.location] == "/bots/zeta/manifest?done=enabled&outcome=started")

            let stale = try await browser.post(
                "/bots/zeta/manifest",
                ["etag": String(tag.replacingOccurrences(of: "&quot;", with: "\"")), "yaml": Self.manifest]
            )
            #expect(stale.status == .preconditionFailed, "the enable changed the file since the tag was read")
            let fresh = try await browser.get("/bots/zeta/manifest")
            let freshTag = try #require(Self.html(fresh).firstMatch(of: /name="etag" value="([^"]+)"/)?.1)
            let saved = try await browser.post(
                "/bots/zeta/manifest",
                [
                    "etag": String(freshTag.replacingOccurrences(of: "&quot;", with: "\"")),
                    "yaml": Self.manifest.replacingOccurrences(of: "Zeta", with: "Zeta Two"),
                ]
            )
            #expect(
                saved.headers[.location] == "/bots/zeta/manifest?done=saved&outcome=restarted",
                "\(Self.html(saved))"
            )

            let confirm = try await browser.get("/bots/zeta/delete")
            #expect(Self.html(confirm).contains("Type <code>zeta</code> to confirm"))
            let mistyped = try await browser.post("/bots/zeta/delete", ["confirm": "zet"])
            #expect(mistyped.status == .badRequest)
            let deleted = try await browser.post("/bots/zeta/delete", ["confirm": "zeta"])
            #expect(deleted.headers[.location] == "/?done=deleted")
            #expect(!FileManager.default.fileExists(atPath: host.sandbox.botsDirectory + "/zeta.yaml"))

            let activity = Self.html(try await browser.get("/activity?bot=zeta"))
            for action in [
                "manifest.created", "manifest.disabled", "manifest.enabled", "manifest.edited", "manifest.deleted",
            ] {
                #expect(activity.contains("<td>\(action)</td>"), "\(action): \(activity)")
            }
            #expect(activity.contains("name: &quot;Zeta&quot; → &quot;Zeta Two&quot;"), "\(activity)")

            var other = DashboardClient(client)
            try await other.signIn(HTTPTestHost.lumenToken)
            let theirs = Self.html(try await other.get("/activity"))
            #expect(!theirs.contains("zeta"), "\(theirs)")
            #expect(try await other.get("/bots/alpha/manifest").status == .notFound)
            #expect(try await other.post("/bots/alpha/disable").status == .notFound)
            #expect(try await other.get("/bots/alpha/delete").status == .notFound)
        }
    }
}
