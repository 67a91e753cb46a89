import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Host
import Testing

/// The dashboard's view of storage and backups, in process.
@Suite("Dashboard: storage and backups", .serialized, .timeLimit(.minutes(2)))
struct BackupDashboardTests {
    @Test("the bots table shows each database's size; a bot's page its size and its last backup and failure")
    func storage() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]
        try await host.withClient { client in
            // A broadcast makes alpha's database exist.
            _ = try await client.execute(
                uri: "/api/v1/bots/alpha/broadcasts",
                method: .post,
                headers: admin,
                body: ByteBuffer(string: #"{"text":"hi"}"#)
            )
            host.supervisor.backups.recordSuccess("alpha", at: Date(timeIntervalSince1970: 1_800_000_000), size: 4_096)
            host.supervisor.backups.recordFailure(
                "alpha",
                at: Date(timeIntervalSince1970: 1_800_000_100),
                reason: "/srv/b: disk full"
            )
            var browser = DashboardClient(client)
            _ = try await browser.signIn(HTTPTestHost.adminToken)
            let table = String(buffer: try await browser.get("/").body)
            #expect(
                table.contains(
                    #"<th scope="col" class="num"><abbr title="the database's size on disk">Database</abbr></th>"#
                )
            )
            #expect(
                table.range(of: #"data-field="database">\d+ (bytes|kB)<"#, options: .regularExpression) != nil,
                "\(table)"
            )
            let page = String(buffer: try await browser.get("/bots/alpha").body)
            #expect(page.contains("Last backup: 2027-01-15T08:00:00Z, 4 kB."), "\(page)")
            #expect(page.contains("Last failure: 2027-01-15T08:01:40Z: /srv/b: disk full (1 in all)."))
            let detail = try await client.execute(uri: "/api/v1/bots/alpha", method: .get, headers: admin)
            let json = String(buffer: detail.body)
            #expect(
                json.contains(#""last_failure":"\/srv\/b: disk full""#)
                    || json.contains(#""last_failure":"/srv/b: disk full""#),
                "\(json)"
            )
            #expect(json.contains(#""last_size_bytes":4096"#) && json.contains(#""failures":1"#))
            let beta = String(buffer: try await browser.get("/bots/beta").body)
            #expect(beta.contains("No scheduled backup yet"))
        }
    }
}
