import Foundation
import Tenant
import GRDB

/// The `dating` plugin's SQL writes. Each runs inside the update's commit transaction, queued
/// with `context.storage.write`; each keeps its invariant within that one transaction.
enum DatingStore {
    /// Starts a profile at the wizard's first question; does nothing if the person has one.
    static func createProfile(_ db: Database, user: User, chatID: Int64, now: Date) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO dating_profiles (user_id, chat_id, username, language, step, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [user.id, chatID, user.username, user.languageCode, ProfileField.allCases[0].rawValue,
                        now.timeIntervalSince1970])
    }

    /// Keeps the username and client language the person has now, for links and texts others
    /// trigger.
    static func refreshContact(_ db: Database, user: User) throws {
        try db.execute(
            sql: "UPDATE dating_profiles SET username = ?, language = ? WHERE user_id = ?",
            arguments: [user.username, user.languageCode, user.id])
    }

    /// Stores an answer and moves the wizard to `step` (`nil`: no question pending).
    static func save(
        _ db: Database, field: ProfileField, answer: ProfileField.Answer, userID: Int64, step: ProfileField?,
        complete: Bool
    ) throws {
        // Column names come from the enum, never from input.
        var assignments = "\(field.rawValue) = :value"
        if field == .city { assignments += ", city_key = :city_key" }
        let value = answer.databaseValue
        let cityKey: String? =
            if case .text(let city) = answer, field == .city { DatingProfile.cityKey(city) } else { nil }
        try db.execute(
            sql: """
                UPDATE dating_profiles SET \(assignments), step = :step, complete = complete OR :complete
                WHERE user_id = :user
                """,
            arguments: ["value": value, "city_key": cityKey, "step": step?.rawValue, "complete": complete,
                        "user": userID])
    }

    /// Asks `field` again (an edit), or clears the pending question.
    static func setStep(_ db: Database, userID: Int64, step: ProfileField?) throws {
        try db.execute(
            sql: "UPDATE dating_profiles SET step = ? WHERE user_id = ?", arguments: [step?.rawValue, userID])
    }

    /// Hides the profile from everyone, or shows it again.
    static func setPaused(_ db: Database, userID: Int64, paused: Bool) throws {
        try db.execute(sql: "UPDATE dating_profiles SET paused = ? WHERE user_id = ?", arguments: [paused, userID])
    }

    /// Records that `viewer` is now looking at `candidate`'s card.
    static func showCard(_ db: Database, viewer: Int64, candidate: Int64, now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO dating_views (from_id, to_id, at) VALUES (?, ?, ?)
                ON CONFLICT (from_id, to_id) DO UPDATE SET at = excluded.at
                """,
            arguments: [viewer, candidate, now.timeIntervalSince1970])
        try db.execute(
            sql: "UPDATE dating_profiles SET current_card = ? WHERE user_id = ?", arguments: [candidate, viewer])
    }

    /// Records a like, counts it against the liker's `day`, and records the match when the like
    /// is mutual. `notified` says whether the handler saw the match and told both people; a
    /// match that two simultaneous likes made unseen is stored unnotified, to be told later.
    static func like(
        _ db: Database, from liker: Int64, to liked: Int64, day: String, notified: Bool, now: Date
    ) throws {
        let at = now.timeIntervalSince1970
        try db.execute(
            sql: "INSERT OR IGNORE INTO dating_likes (from_id, to_id, at) VALUES (?, ?, ?)",
            arguments: [liker, liked, at])
        try db.execute(
            sql: """
                UPDATE dating_profiles
                SET likes_today = CASE WHEN likes_day = :day THEN likes_today + 1 ELSE 1 END, likes_day = :day
                WHERE user_id = :user
                """,
            arguments: ["day": day, "user": liker])
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO dating_matches (low_id, high_id, notified, at)
                SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM dating_likes WHERE from_id = ? AND to_id = ?)
                """,
            arguments: [min(liker, liked), max(liker, liked), notified, at, liked, liker])
    }

    /// Marks a match as told to both people.
    static func markNotified(_ db: Database, _ pair: MatchPair) throws {
        try db.execute(
            sql: "UPDATE dating_matches SET notified = 1 WHERE low_id = ? AND high_id = ?",
            arguments: [pair.low, pair.high])
    }

    /// `blocker` never sees `blocked` again, nor the other way round; their likes, match and
    /// relays go.
    static func block(_ db: Database, from blocker: Int64, to blocked: Int64, now: Date) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO dating_blocks (from_id, to_id, at) VALUES (?, ?, ?)",
            arguments: [blocker, blocked, now.timeIntervalSince1970])
        let pair = MatchPair(blocker, blocked)
        try db.execute(
            sql: """
                DELETE FROM dating_likes WHERE (from_id = :a AND to_id = :b) OR (from_id = :b AND to_id = :a);
                DELETE FROM dating_relays WHERE (from_id = :a AND to_id = :b) OR (from_id = :b AND to_id = :a);
                DELETE FROM dating_matches WHERE low_id = :low AND high_id = :high;
                """,
            arguments: ["a": blocker, "b": blocked, "low": pair.low, "high": pair.high])
    }

    /// Records a report; once `threshold` different people's unreviewed reports stand, the
    /// profile is hidden until an admin reviews it.
    static func report(
        _ db: Database, from reporter: Int64, to reported: Int64, reason: ReportReason, threshold: Int, now: Date
    ) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO dating_reports (from_id, to_id, reason, at) VALUES (?, ?, ?, ?)",
            arguments: [reporter, reported, reason.rawValue, now.timeIntervalSince1970])
        try db.execute(
            sql: """
                UPDATE dating_profiles SET moderation = 'hidden'
                WHERE user_id = :user AND moderation = 'ok'
                  AND (SELECT COUNT(*) FROM dating_reports WHERE to_id = :user AND reviewed = 0) >= :threshold
                """,
            arguments: ["user": reported, "threshold": threshold])
    }

    /// An admin's verdict: the reports are reviewed; approval shows a hidden profile again, a
    /// ban hides it for good and outlives its deletion.
    static func review(_ db: Database, userID: Int64, ban: Bool, now: Date) throws {
        try db.execute(sql: "UPDATE dating_reports SET reviewed = 1 WHERE to_id = ?", arguments: [userID])
        if ban {
            try db.execute(
                sql: "UPDATE dating_profiles SET moderation = 'banned' WHERE user_id = ?", arguments: [userID])
            try db.execute(
                sql: "INSERT OR IGNORE INTO dating_bans (user_id, at) VALUES (?, ?)",
                arguments: [userID, now.timeIntervalSince1970])
            try db.execute(
                sql: "DELETE FROM dating_relays WHERE from_id = :user OR to_id = :user", arguments: ["user": userID])
        } else {
            try db.execute(
                sql: "UPDATE dating_profiles SET moderation = 'ok' WHERE user_id = ? AND moderation = 'hidden'",
                arguments: [userID])
        }
    }

    /// Passes `from`'s next message to `to`.
    static func setRelay(_ db: Database, from sender: Int64, to recipient: Int64) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO dating_relays (from_id, to_id) VALUES (?, ?)", arguments: [sender, recipient])
    }

    /// Stops passing `from`'s messages on.
    static func clearRelay(_ db: Database, from sender: Int64) throws {
        try db.execute(sql: "DELETE FROM dating_relays WHERE from_id = ?", arguments: [sender])
    }

    /// Erases every row of this plugin about the person: their profile, likes, views, blocks
    /// and reports both ways, matches and relays, and other people's pointers to their card.
    /// A ban stays, so that a banned person cannot come back by deleting.
    static func erase(_ db: Database, userID: Int64) throws {
        try db.execute(
            sql: """
                DELETE FROM dating_profiles WHERE user_id = :user;
                UPDATE dating_profiles SET current_card = NULL WHERE current_card = :user;
                DELETE FROM dating_likes WHERE from_id = :user OR to_id = :user;
                DELETE FROM dating_views WHERE from_id = :user OR to_id = :user;
                DELETE FROM dating_blocks WHERE from_id = :user OR to_id = :user;
                DELETE FROM dating_reports WHERE from_id = :user OR to_id = :user;
                DELETE FROM dating_matches WHERE low_id = :user OR high_id = :user;
                DELETE FROM dating_relays WHERE from_id = :user OR to_id = :user;
                """,
            arguments: ["user": userID])
    }

    /// Every row of this plugin about the person: what ``erase(_:userID:)`` erases (their
    /// profile; likes, views, blocks and reports both ways; matches; relays), and their ban,
    /// which a forget keeps. Other people's pointers to their card are the others' rows.
    static func export(_ db: Database, userID: Int64) throws -> PersonData {
        var data = PersonData()
        let user: StatementArguments = ["user": userID]
        try data.append(
            "dating_profiles", sql: "SELECT * FROM dating_profiles WHERE user_id = :user", arguments: user, in: db)
        for table in ["dating_likes", "dating_views", "dating_blocks", "dating_reports"] {
            try data.append(
                table, sql: "SELECT * FROM \(table) WHERE from_id = :user OR to_id = :user ORDER BY from_id, to_id",
                arguments: user, in: db)
        }
        try data.append(
            "dating_matches",
            sql: "SELECT * FROM dating_matches WHERE low_id = :user OR high_id = :user ORDER BY low_id, high_id",
            arguments: user, in: db)
        try data.append(
            "dating_relays", sql: "SELECT * FROM dating_relays WHERE from_id = :user OR to_id = :user ORDER BY from_id",
            arguments: user, in: db)
        try data.append("dating_bans", sql: "SELECT * FROM dating_bans WHERE user_id = :user", arguments: user, in: db)
        return data
    }
}
