import Foundation
import Tenant
import GRDB

/// One message of a companion chat, as stored in `companion_turns`.
struct CompanionTurn: Sendable, Equatable {
    /// The chat (for private chats, the person's id).
    var chatID: Int64
    /// Who spoke: `user` or `assistant`.
    var role: ChatMessage.Role
    /// What was said.
    var text: String
    /// When.
    var date: Date
    /// The natural key of an imported message, so a second import skips it; `nil` for live ones.
    var legacyKey: String?
}

/// The companion's own tables: the chat history and the people's profiles.
///
/// - `companion_turns`: one row per message of either side, ordered by date then id;
///   `legacy_key` is unique where set, so imports are idempotent.
/// - `companion_profiles`: one JSON profile per person.
enum CompanionStore {
    /// The schema steps. Frozen once shipped: change the schema by appending a step.
    static let migrations = [
        PluginMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE companion_turns (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        chat_id INTEGER NOT NULL,
                        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
                        text TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        legacy_key TEXT UNIQUE
                    );
                    CREATE INDEX companion_turns_by_chat ON companion_turns (chat_id, created_at, id);
                    CREATE TABLE companion_profiles (
                        user_id INTEGER PRIMARY KEY,
                        profile TEXT NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    """)
        }
    ]

    /// The latest `limit` turns of a chat, oldest first.
    static func recentTurns(chatID: Int64, limit: Int, in db: Database) throws -> [CompanionTurn] {
        guard limit > 0 else { return [] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT role, text, created_at FROM companion_turns WHERE chat_id = ?
                ORDER BY created_at DESC, id DESC LIMIT ?
                """,
            arguments: [chatID, limit])
        return rows.reversed().map { row in
            CompanionTurn(
                chatID: chatID, role: ChatMessage.Role(rawValue: row["role"]) ?? .user, text: row["text"],
                date: row["created_at"])
        }
    }

    /// How many messages the person wrote in a chat (imported ones included).
    static func userTurnCount(chatID: Int64, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM companion_turns WHERE chat_id = ? AND role = 'user'", arguments: [chatID]
        ) ?? 0
    }

    /// Deletes the person's profile, their private chat's history (imported turns included) and
    /// the note that they were told they talk to an AI, so a returning person is told again.
    static func erase(userID: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM companion_turns WHERE chat_id = :user;
                DELETE FROM companion_profiles WHERE user_id = :user;
                DELETE FROM plugin_kv WHERE plugin = :plugin AND key = :disclosed;
                """,
            arguments: [
                "user": userID, "plugin": CompanionPlugin.name,
                "disclosed": Conversation.disclosedKey(chatID: userID),
            ])
    }

    /// What ``erase(userID:in:)`` erases: the person's profile, their private chat's history
    /// (oldest first) and the note that they were told they talk to an AI.
    static func export(userID: Int64, in db: Database) throws -> PersonData {
        var data = PersonData()
        try data.append(
            "companion_profiles", sql: "SELECT * FROM companion_profiles WHERE user_id = ?", arguments: [userID],
            in: db)
        try data.append(
            "companion_turns", sql: "SELECT * FROM companion_turns WHERE chat_id = ? ORDER BY created_at, id",
            arguments: [userID], in: db)
        try data.append(
            "plugin_kv", sql: "SELECT * FROM plugin_kv WHERE plugin = ? AND key = ?",
            arguments: [CompanionPlugin.name, Conversation.disclosedKey(chatID: userID)], in: db)
        return data
    }

    /// The person's profile; empty when none is stored.
    static func profile(userID: Int64, in db: Database) throws -> CompanionProfile {
        let json = try String.fetchOne(
            db, sql: "SELECT profile FROM companion_profiles WHERE user_id = ?", arguments: [userID])
        return json.map(CompanionProfile.decoded(from:)) ?? CompanionProfile()
    }

    /// Stores a turn; an imported turn whose `legacyKey` is stored already is skipped.
    ///
    /// - Returns: Whether a row was added.
    @discardableResult
    static func insert(_ turn: CompanionTurn, in db: Database) throws -> Bool {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO companion_turns (chat_id, role, text, created_at, legacy_key)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [turn.chatID, turn.role.rawValue, turn.text, StoredDate(turn.date), turn.legacyKey])
        return db.changesCount > 0
    }

    /// Stores the person's profile, replacing the one stored.
    static func save(_ profile: CompanionProfile, userID: Int64, at date: Date, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO companion_profiles (user_id, profile, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(user_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at
                """,
            arguments: [userID, profile.json, StoredDate(date)])
    }

    /// Stores the person's profile unless one is stored already (imports never overwrite).
    ///
    /// - Returns: Whether the profile was added.
    @discardableResult
    static func insertIfAbsent(
        _ profile: CompanionProfile, userID: Int64, at date: Date, in db: Database
    ) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO companion_profiles (user_id, profile, updated_at) VALUES (?, ?, ?)",
            arguments: [userID, profile.json, StoredDate(date)])
        return db.changesCount > 0
    }
}
