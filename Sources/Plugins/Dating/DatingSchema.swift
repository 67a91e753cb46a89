import Tenant
import GRDB

/// The `dating` plugin's tables, all named `dating_…`.
///
/// - `dating_profiles`: one row per person, from the first wizard step on.
/// - `dating_likes`, `dating_matches`, `dating_views`, `dating_blocks`, `dating_reports`,
///   `dating_relays`: what happened between two people, keyed by both user ids.
/// - `dating_bans`: the user ids moderators banned; the only row that outlives a deleted profile.
///
/// - Important: Migrations are frozen once shipped; append new ones, never edit these.
enum DatingSchema {
    /// The plugin's schema steps.
    static let migrations: [PluginMigration] = [
        PluginMigration("v1") { db in
            try createProfiles(db)
            try createRelations(db)
        },
    ]

    /// The condition every visible profile meets; the search index covers exactly these rows.
    /// Its columns exist only in `dating_profiles`, so it reads the same in joins.
    ///
    /// - Important: Candidate queries must repeat it word for word, or SQLite cannot use the
    ///   partial index.
    static let visible = "complete = 1 AND paused = 0 AND moderation = 'ok'"

    private static func createProfiles(_ db: Database) throws {
        try db.create(table: "dating_profiles") { t in
            t.primaryKey("user_id", .integer)
            t.column("chat_id", .integer).notNull()
            t.column("name", .text)
            t.column("age", .integer)
            t.column("gender", .text)
            t.column("seeking", .text)
            t.column("city", .text)
            t.column("city_key", .text)
            t.column("bio", .text)
            t.column("photo", .text)
            t.column("username", .text)
            t.column("language", .text)
            t.column("step", .text)
            t.column("complete", .boolean).notNull().defaults(to: false)
            t.column("paused", .boolean).notNull().defaults(to: false)
            t.column("moderation", .text).notNull().defaults(to: "ok")
            t.column("current_card", .integer)
            t.column("likes_day", .text)
            t.column("likes_today", .integer).notNull().defaults(to: 0)
            t.column("created_at", .double).notNull()
        }
        // Candidate search: equality on city, gender and wish, a range on age, visible rows only.
        try db.execute(sql: """
            CREATE INDEX dating_profiles_search ON dating_profiles(city_key, gender, seeking, age)
            WHERE \(visible)
            """)
        // Deleting a person clears other people's pointers to their card.
        try db.create(index: "dating_profiles_card", on: "dating_profiles", columns: ["current_card"])
    }

    private static func createRelations(_ db: Database) throws {
        for table in ["dating_likes", "dating_views", "dating_blocks"] {
            try db.create(table: table, options: .withoutRowID) { t in
                t.column("from_id", .integer).notNull()
                t.column("to_id", .integer).notNull()
                t.column("at", .double).notNull()
                t.primaryKey(["from_id", "to_id"])
            }
            try db.create(index: "\(table)_to", on: table, columns: ["to_id", "from_id"])
        }
        // The seen search walks a viewer's views oldest first.
        try db.create(index: "dating_views_seen", on: "dating_views", columns: ["from_id", "at"])
        try db.create(table: "dating_reports", options: .withoutRowID) { t in
            t.column("from_id", .integer).notNull()
            t.column("to_id", .integer).notNull()
            t.column("reason", .text).notNull()
            t.column("reviewed", .boolean).notNull().defaults(to: false)
            t.column("at", .double).notNull()
            t.primaryKey(["from_id", "to_id"])
        }
        try db.create(index: "dating_reports_to", on: "dating_reports", columns: ["to_id", "reviewed"])
        try db.create(table: "dating_matches", options: .withoutRowID) { t in
            t.column("low_id", .integer).notNull()
            t.column("high_id", .integer).notNull()
            t.column("notified", .boolean).notNull()
            t.column("at", .double).notNull()
            t.primaryKey(["low_id", "high_id"])
        }
        try db.create(index: "dating_matches_high", on: "dating_matches", columns: ["high_id"])
        try db.create(table: "dating_relays") { t in
            t.primaryKey("from_id", .integer)
            t.column("to_id", .integer).notNull()
        }
        try db.create(index: "dating_relays_to", on: "dating_relays", columns: ["to_id"])
        try db.create(table: "dating_bans") { t in
            t.primaryKey("user_id", .integer)
            t.column("at", .double).notNull()
        }
    }
}
