import Foundation
import Testing
import Plugins
import Tenant
import Storage
import GRDB

/// The `dating` plugin's half of a person's export: every row its forget erases, and the ban it
/// keeps.
@Suite("Dating: exporting a person", .timeLimit(.minutes(5)))
struct DatingExportTests {
    static let tables = [
        "dating_bans", "dating_blocks", "dating_likes", "dating_matches", "dating_profiles", "dating_relays",
        "dating_reports", "dating_views",
    ]

    @Test("shows her profile, likes, views, blocks and reports both ways, her match and relay; a forget empties it")
    func exportThenForget() async throws {
        let harness = try await DatingSafetyTests.aliceInEveryTable()

        let alice = DatingFixture.alice.id
        let export = try await harness.export(alice)
        let dating = try #require(export.plugins["dating"])
        #expect(dating.tables.keys.sorted() == Self.tables, "every table is listed, empty or not")
        let columns: [String: [String]] = [
            "dating_profiles": ["user_id"], "dating_likes": ["from_id", "to_id"], "dating_views": ["from_id", "to_id"],
            "dating_blocks": ["from_id", "to_id"], "dating_reports": ["from_id", "to_id"],
            "dating_matches": ["low_id", "high_id"], "dating_relays": ["from_id", "to_id"],
        ]
        for (table, keys) in columns {
            let stored = try await DatingFixture.rows(in: table, columns: keys, mentioning: alice, store: harness.store)
            #expect(stored > 0, "\(table) mentions Alice")
            #expect(dating.tables[table]?.count == stored, "\(table): every row that mentions her, no other")
        }
        #expect(dating.tables["dating_profiles"]?.first?["photo"] != nil)
        #expect(dating.tables["dating_likes"]?.count == 2, "her like and Bob's")
        let again = try await harness.export(alice)
        #expect(try export.json() == again.json(), "the same rows read the same")

        try await harness.store.write { db in
            try db.execute(sql: "INSERT INTO dating_bans (user_id, at) VALUES (?, 0)", arguments: [alice])
        }
        try await harness.forget(alice)
        let after = try #require(try await harness.export(alice).plugins["dating"])
        #expect(after.rowCount == 1, "only the ban, which a forget keeps, is left: \(after.tables)")
        #expect(after.tables["dating_bans"]?.count == 1)
    }

    @Test("someone the plugin never saw has an empty export")
    func stranger() async throws {
        let harness = try await DatingSafetyTests.town()
        #expect(try await harness.export(424_242).isEmpty)
    }
}
