import Foundation
import Storage
public import GRDB

/// A plugin's access to its bot's database.
///
/// Reads run at once. Writes are deferred: they run, in order, inside the update's commit
/// transaction together with the replies and the inbox's "done" mark, so a crash never leaves
/// half an update applied.
///
/// - Important: A write does not see its own effect in a later `read` of the same update.
///   Do read-modify-write inside the `write` closure (`UPDATE … SET n = n + 1`).
public struct PluginStorage: Sendable {
    let database: BotStore
    let effects: Effects
    let pluginName: String

    package init(database: BotStore, effects: Effects, pluginName: String) {
        self.database = database
        self.effects = effects
        self.pluginName = pluginName
    }

    /// Reads from the database now.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(body)
    }

    /// Queues a write for the update's commit transaction.
    public func write(_ body: @escaping @Sendable (Database) throws -> Void) {
        effects.append(write: body)
    }

    /// Reads a value the plugin stored under `key` (JSON in the host's `plugin_kv` table).
    public func value<T: Decodable>(_ type: T.Type = T.self, forKey key: String) async throws -> T? {
        let plugin = pluginName
        let data = try await database.read { db in
            try Data.fetchOne(
                db, sql: "SELECT value FROM plugin_kv WHERE plugin = ? AND key = ?", arguments: [plugin, key])
        }
        guard let data else { return nil }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Queues storing `value` under `key`; `nil` removes the key.
    public func setValue<T: Encodable>(_ value: T?, forKey key: String) throws {
        let plugin = pluginName
        guard let value else {
            write { db in
                try db.execute(sql: "DELETE FROM plugin_kv WHERE plugin = ? AND key = ?", arguments: [plugin, key])
            }
            return
        }
        let data = try JSONEncoder().encode(value)
        write { db in
            try db.execute(
                sql: """
                    INSERT INTO plugin_kv (plugin, key, value, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(plugin, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """,
                arguments: [plugin, key, data, StoredDate(Date())])
        }
    }
}
