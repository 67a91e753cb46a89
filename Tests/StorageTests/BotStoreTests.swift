import Foundation
import Testing
@testable import Storage
import GRDB

@Suite("BotStore", .timeLimit(.minutes(5)))
struct BotStoreTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-storage-\(UUID().uuidString)/nested/bot.sqlite").path
    }

    @Test("the file is created 0600 in a 0700 folder, in WAL mode")
    func permissions() async throws {
        let path = temporaryPath()
        let store = try await BotStore.open(path: path, plugins: [])
        let manager = FileManager.default
        let fileMode = try manager.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let folderMode = try manager.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)[
            .posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)
        let journal = try await store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        await store.close()
    }

    @Test("plugin migrations run namespaced, once, whatever the plugin order")
    func pluginMigrations() async throws {
        let path = temporaryPath()
        let alpha = PluginMigrations(pluginName: "alpha", steps: [
            PluginMigration("v1") { db in try db.execute(sql: "CREATE TABLE alpha_items (id INTEGER PRIMARY KEY)") }
        ])
        let beta = PluginMigrations(pluginName: "beta", steps: [
            PluginMigration("v1") { db in try db.execute(sql: "CREATE TABLE beta_items (id INTEGER PRIMARY KEY)") }
        ])
        try await BotStore.open(path: path, plugins: [alpha]).close()
        // Reopening with another order and a new plugin must neither rerun nor confuse anything.
        let store = try await BotStore.open(path: path, plugins: [beta, alpha])
        let applied = try await store.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(applied == ["host.v1", "host.v2", "host.v3", "host.v4", "host.v5", "host.v6", "plugin.alpha.v1", "plugin.beta.v1"])
        await store.close()
    }

    @Test("a failing plugin migration names the plugin")
    func failingMigration() {
        let broken = PluginMigrations(pluginName: "broken", steps: [
            PluginMigration("v1") { db in try db.execute(sql: "CREATE TABLE inbox (id INTEGER)") }
        ])
        #expect {
            try BotStore(inMemoryWith: [broken])
        } throws: { error in
            "\(error)".contains("migration of plugin 'broken' failed")
        }
    }

    @Test("ingest stores new updates and the offset together, and ignores repeats")
    func ingest() async throws {
        let store = try BotStore(inMemoryWith: [])
        let now = Date()
        let first = try await store.ingest(
            [2, 1].map { InboxRecord(updateID: $0, lane: 5, kind: "message", payload: Data("{}".utf8), receivedAt: now) },
            nextOffset: 3)
        #expect(first.map(\.updateID) == [1, 2])
        let again = try await store.ingest(
            [2, 3].map { InboxRecord(updateID: $0, lane: 5, kind: "message", payload: Data("{}".utf8), receivedAt: now) },
            nextOffset: 4)
        #expect(again.map(\.updateID) == [3])
        #expect(try await store.startupState().pollOffset == 4)
        let status = try await store.status()
        #expect(status.updatesReceived == 3)
        #expect(status.inboxDepth == 3)
    }

    @Test("completing an update commits its effects and its done mark together, or neither")
    func completeIsAtomic() async throws {
        let store = try BotStore(inMemoryWith: [])
        _ = try await store.ingest(
            [InboxRecord(updateID: 1, lane: 1, kind: "message", payload: Data(), receivedAt: Date())], nextOffset: 2)
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await store.complete(updateID: 1, at: Date()) { db in
                var row = OutboxRecord(chatID: 1, updateID: 1, payload: "{}", createdAt: Date())
                try row.insert(db)
                throw Boom()
            }
        }
        var status = try await store.status()
        #expect(status.outboxDepth == 0)
        #expect(status.inboxDepth == 1)
        try await store.complete(updateID: 1, at: Date()) { db in
            var row = OutboxRecord(chatID: 1, updateID: 1, payload: "{}", createdAt: Date())
            try row.insert(db)
        }
        status = try await store.status()
        #expect(status.outboxDepth == 1)
        #expect(status.inboxDepth == 0)
        #expect(status.updatesHandled == 1)
    }
}
