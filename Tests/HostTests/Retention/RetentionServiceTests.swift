import Foundation
import GRDB
@testable import Host
import Logging
import Storage
import Tenant
import Testing

/// The host's retention pass over every bot it knows.
@Suite("Retention service", .timeLimit(.minutes(2)))
struct RetentionServiceTests {
    @Test("a pass prunes each bot by its own manifest, skips a bot with no database, and keeps it so")
    func pass() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "aviary-retention-\(UUID().uuidString)"
        )
        let options = HostOptions(
            botsDirectory: root.path + "/bots.d",
            dataDirectory: root.path + "/data",
            publicURL: nil
        )
        let table = BotTable()
        let now = Date()
        var short = BotManifest(id: "short", name: "short", file: "short.yaml")
        short.retention = RetentionPolicy(updates: .seconds(2 * 86_400))
        let long = BotManifest(id: "long", name: "long", file: "long.yaml")
        let never = BotManifest(id: "never", name: "never", file: "never.yaml")
        for manifest in [short, long, never] { table.set(.init(manifest: manifest, state: .running)) }
        for manifest in [short, long] {
            let store = try await BotStore.open(path: options.databasePath(for: manifest), plugins: [])
            try await store.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO inbox (update_id, lane, kind, payload, status, received_at) VALUES (1, 0, 'message', x'7B7D', 'done', ?)",
                    arguments: [StoredDate(now.addingTimeInterval(-10 * 86_400))]
                )
            }
            await store.close()
        }
        let service = RetentionService(
            table: table,
            options: options,
            databases: OpenDatabases(limit: 1),
            logger: Logger(label: "test")
        )
        let reports = await service.pass(now: now)
        #expect(reports["short"]?.updates == 1)
        #expect(reports["long"]?.updates == 0)
        #expect(reports["never"] == nil)
        #expect(!FileManager.default.fileExists(atPath: options.databasePath(for: never)), "nothing is created")
        #expect(MetricsEndpoint.bytesOnDisk(options.databasePath(for: short)) > 0)
        #expect(MetricsEndpoint.bytesOnDisk(options.databasePath(for: never)) == 0)
    }
}
