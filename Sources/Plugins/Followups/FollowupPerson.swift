import Foundation
import Tenant
import GRDB

/// What the `followups` plugin keeps about one person (table `followups_people`).
struct FollowupPerson: Sendable, Equatable {
    /// The person's id, also their private chat's.
    var userID: Int64
    /// Whether they asked to stop follow-ups.
    var stopped = false
    /// Follow-ups sent since they last wrote.
    var unanswered = 0
    /// Their local day (`2026-12-03`) that `sentToday` counts.
    var sentDay: String?
    /// Follow-ups sent on `sentDay`.
    var sentToday = 0
    /// Follow-ups sent in all, to take the next text in turn.
    var sentTotal = 0

    /// The plugin's schema.
    static let migrations = [
        PluginMigration("v1") { db in
            try db.create(table: "followups_people") { t in
                t.primaryKey("user_id", .integer)
                t.column("stopped", .boolean).notNull().defaults(to: false)
                t.column("unanswered", .integer).notNull().defaults(to: 0)
                t.column("sent_day", .text)
                t.column("sent_today", .integer).notNull().defaults(to: 0)
                t.column("sent_total", .integer).notNull().defaults(to: 0)
            }
        }
    ]

    /// Reads a person's row; `nil` when the plugin never saw them.
    static func fetch(_ userID: Int64, in db: Database) throws -> FollowupPerson? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM followups_people WHERE user_id = ?", arguments: [userID])
        else { return nil }
        return FollowupPerson(
            userID: userID, stopped: row["stopped"], unanswered: row["unanswered"], sentDay: row["sent_day"],
            sentToday: row["sent_today"], sentTotal: row["sent_total"])
    }

    /// A person's row as stored, for an export; the host exports their scheduled follow-up.
    static func export(_ userID: Int64, in db: Database) throws -> PersonData {
        var data = PersonData()
        try data.append(
            "followups_people", sql: "SELECT * FROM followups_people WHERE user_id = ?", arguments: [userID], in: db)
        return data
    }

    /// Deletes a person's row, if any.
    static func delete(_ userID: Int64, in db: Database) throws {
        try db.execute(sql: "DELETE FROM followups_people WHERE user_id = ?", arguments: [userID])
    }

    /// Inserts or replaces the row.
    func save(in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO followups_people (user_id, stopped, unanswered, sent_day, sent_today, sent_total)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(user_id) DO UPDATE SET stopped = excluded.stopped, unanswered = excluded.unanswered,
                    sent_day = excluded.sent_day, sent_today = excluded.sent_today, sent_total = excluded.sent_total
                """,
            arguments: [userID, stopped, unanswered, sentDay, sentToday, sentTotal])
    }
}
