import Foundation
import PropertyBased
import Testing
@testable import Storage
import GRDB

/// A database the store creates is migrated in one transaction; it must end exactly as one
/// migrated step by step (an existing file), so that later opens and later steps see no difference.
@Suite("BotStore: migrating a created database", .timeLimit(.minutes(5)))
struct CreatedDatabaseMigrationTests {
    private static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-storage-\(UUID().uuidString)/bot.sqlite").path
    }

    /// Plugins with one to three steps each, some with an index.
    private static let plugins: [PluginMigrations] = ["alpha", "beta", "gamma", "delta"].map { name in
        PluginMigrations(
            pluginName: name,
            steps: [
                PluginMigration("v1") { db in
                    try db.execute(sql: "CREATE TABLE \(name)_items (id INTEGER PRIMARY KEY)")
                },
                PluginMigration("v2") { db in try db.execute(sql: "CREATE INDEX \(name)_by_id ON \(name)_items (id)") },
            ])
    }

    /// The schema and the applied steps, as text to compare.
    private static func shape(of store: BotStore) async throws -> [String] {
        try await store.read { db in
            try String.fetchAll(
                db, sql: "SELECT type || ' ' || name || ': ' || IFNULL(sql, '') FROM sqlite_master ORDER BY name")
                + String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
    }

    @Test("any plugins in any order: a created database ends like an existing empty file migrated step by step")
    func sameShape() async throws {
        let input = Gen.shuffled(Array(Self.plugins.indices))
        await propertyCheck(count: 20, input: zip(input, Gen.int(in: 0...Self.plugins.count))) { order, count in
            let chosen = order.prefix(count).map { Self.plugins[$0] }
            do {
                let createdPath = Self.temporaryPath()
                let created = try await BotStore.open(path: createdPath, plugins: chosen)
                let existingPath = Self.temporaryPath()
                try FileManager.default.createDirectory(
                    atPath: (existingPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                #expect(FileManager.default.createFile(atPath: existingPath, contents: Data()))
                let existing = try await BotStore.open(path: existingPath, plugins: chosen)
                #expect(try await Self.shape(of: created) == Self.shape(of: existing))
                await created.close()
                // Opened again, every step is found applied: nothing runs twice.
                let reopened = try await BotStore.open(path: createdPath, plugins: chosen)
                #expect(try await Self.shape(of: reopened) == Self.shape(of: existing))
                await reopened.close()
                await existing.close()
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("a failing plugin step on a created database names the plugin and leaves nothing half made")
    func failureRollsBack() async throws {
        let path = Self.temporaryPath()
        let broken = PluginMigrations(pluginName: "broken", steps: [
            PluginMigration("v1") { db in try db.execute(sql: "CREATE TABLE inbox (id INTEGER)") }
        ])
        await #expect {
            try await BotStore.open(path: path, plugins: [broken])
        } throws: { error in
            "\(error)".contains("migration of plugin 'broken' failed")
        }
        let store = try await BotStore.open(path: path, plugins: [Self.plugins[0]])
        let applied = try await store.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(
            applied == ["host.v1", "host.v2", "host.v3", "host.v4", "host.v5", "host.v6", "plugin.alpha.v1", "plugin.alpha.v2"])
        await store.close()
    }
}
