import Foundation
import GRDB
import Tenant

/// Remote plugins' state: JSON values by key, per plugin, per chat and per person, in the
/// table `remote_plugin_state`. Written only in the update's commit transaction.
enum RemoteStateStore {
    /// The table, created once for every remote plugin of a bot.
    static let migrations = [
        PluginMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS remote_plugin_state (
                        plugin TEXT NOT NULL, scope TEXT NOT NULL, owner INTEGER NOT NULL, key TEXT NOT NULL,
                        value BLOB NOT NULL, PRIMARY KEY (plugin, scope, owner, key)) WITHOUT ROWID
                    """
            )
        }
    ]

    /// Whose state: a chat's or a person's.
    enum Scope: String {
        case chat, person
    }

    /// The stored values of one owner, by key, as JSON text.
    static func values(plugin: String, scope: Scope, owner: Int64, in db: Database) throws -> [String: Data] {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT key, value FROM remote_plugin_state WHERE plugin = ? AND scope = ? AND owner = ?",
            arguments: [plugin, scope.rawValue, owner]
        )
        return Dictionary(rows.map { ($0["key"] as String, $0["value"] as Data) }, uniquingKeysWith: { $1 })
    }

    /// Applies a change to one owner's state.
    static func apply(
        _ change: RemoteStateChange,
        plugin: String,
        scope: Scope,
        owner: Int64,
        in db: Database
    ) throws {
        for key in change.deletedKeys {
            try db.execute(
                sql: "DELETE FROM remote_plugin_state WHERE plugin = ? AND scope = ? AND owner = ? AND key = ?",
                arguments: [plugin, scope.rawValue, owner, key]
            )
        }
        for (key, value) in change.setValues {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO remote_plugin_state (plugin, scope, owner, key, value)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [plugin, scope.rawValue, owner, key, value]
            )
        }
    }

    /// Erases the person's state and their private chat's.
    static func forget(plugin: String, userID: Int64, in db: Database) throws {
        try db.execute(
            sql: "DELETE FROM remote_plugin_state WHERE plugin = ? AND owner = ? AND scope IN ('person', 'chat')",
            arguments: [plugin, userID]
        )
    }

    /// The person's state and their private chat's, as ``forget(plugin:userID:in:)`` would erase it.
    static func export(plugin: String, userID: Int64, in db: Database) throws -> PersonData {
        var data = PersonData()
        try data.append(
            "remote_plugin_state",
            sql: """
                SELECT scope, key, value FROM remote_plugin_state
                WHERE plugin = ? AND owner = ? AND scope IN ('person', 'chat') ORDER BY scope, key
                """,
            arguments: [plugin, userID], in: db)
        return data
    }

    /// `values` after `change`, refused when over ``RemoteLimits/keysPerScope`` or
    /// ``RemoteLimits/bytesPerScope``.
    static func merged(_ values: [String: Data], _ change: RemoteStateChange, path: String) throws(RemoteAnswerError)
        -> [String: Data]
    {
        var result = values
        for key in change.deletedKeys { result[key] = nil }
        result.merge(change.setValues) { $1 }
        let bytes = result.reduce(0) { $0 + $1.key.utf8.count + $1.value.count }
        guard result.count <= RemoteLimits.keysPerScope, bytes <= RemoteLimits.bytesPerScope else {
            throw RemoteAnswerError(
                path: path,
                message: "the state would hold \(result.count) keys and \(bytes) bytes; at most "
                    + "\(RemoteLimits.keysPerScope) keys and \(RemoteLimits.bytesPerScope) bytes are kept"
            )
        }
        return result
    }
}
