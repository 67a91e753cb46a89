import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

/// A bot whose manifest became invalid says so in the API and on its dashboard page, to the
/// callers who may see it (#18 item 5).
@Suite("Last good manifest in the API and the dashboard", .timeLimit(.minutes(3)))
struct LastGoodAPITests {
    static func headers(_ token: String?) -> HTTPFields {
        token.map { [.authorization: "Bearer \($0)"] } ?? [:]
    }

    @Test("the bot's view says it runs its last good version and names the errors; other brands get 404")
    func lastGoodShown() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try host.sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest + "\nplugns: []\n")
        #expect(await host.supervisor.reload().keptLastGood == ["gamma"])
        try await host.withClient { client in
            for (token, status) in [
                (HTTPTestHost.adminToken, HTTPResponse.Status.ok), (HTTPTestHost.hanToken, .ok),
                (HTTPTestHost.lumenToken, .notFound), ("wrong-" + String(repeating: "w", count: 26), .unauthorized),
                (nil, .unauthorized),
            ] as [(String?, HTTPResponse.Status)] {
                let detail = try await client.execute(
                    uri: "/api/v1/bots/gamma", method: .get, headers: Self.headers(token))
                #expect(detail.status == status)
                guard status == .ok else { continue }
                let text = String(buffer: detail.body)
                #expect(text.contains(#""runs_last_good":true"#), "\(text)")
                #expect(
                    text.contains(#"["gamma.yaml:12: plugns: unknown key"#), "named by the file, not its path: \(text)")
                #expect(text.contains(#""state":"running""#))
            }
            let list = try await client.execute(
                uri: "/api/v1/bots", method: .get, headers: Self.headers(HTTPTestHost.hanToken))
            #expect(String(buffer: list.body).contains(#""runs_last_good":false"#))

            var browser = DashboardClient(client)
            _ = try await browser.signIn(HTTPTestHost.hanToken)
            let page = String(buffer: try await browser.get("/bots/gamma").body)
            #expect(page.contains("Runs its last good manifest"), "\(page)")
            #expect(page.contains("plugns"))
            #expect(page.contains("Aviary \(AviaryVersion.current)"))
        }
        try host.sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        _ = await host.supervisor.reload()
        try await host.withClient { client in
            let detail = try await client.execute(
                uri: "/api/v1/bots/gamma", method: .get, headers: Self.headers(HTTPTestHost.adminToken))
            #expect(String(buffer: detail.body).contains(#""manifest_errors":[]"#))
        }
    }
}
