import Tenant
import GRDB

extension DatingStore {
    /// One profile in the moderation queue: its unreviewed reports, counted by reason.
    struct ReportedProfile: Sendable {
        var profile: DatingProfile
        var reasons: [(reason: ReportReason, count: Int)]
        var total: Int { reasons.reduce(0) { $0 + $1.count } }
    }

    /// Whether a moderator banned the person.
    static func isBanned(_ db: Database, userID: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dating_bans WHERE user_id = ?)", arguments: [userID])
            ?? false
    }

    /// Whether `from` liked `to`.
    static func likes(_ db: Database, from liker: Int64, to liked: Int64) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM dating_likes WHERE from_id = ? AND to_id = ?)",
            arguments: [liker, liked]) ?? false
    }

    /// Whether the two people matched (and neither blocked the other since).
    static func isMatch(_ db: Database, _ pair: MatchPair) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM dating_matches WHERE low_id = ? AND high_id = ?)",
            arguments: [pair.low, pair.high]) ?? false
    }

    /// The matches of `userID` that nobody has told them about yet.
    static func unnotifiedMatches(_ db: Database, userID: Int64) throws -> [MatchPair] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT low_id, high_id FROM dating_matches
                WHERE notified = 0 AND (low_id = :user OR high_id = :user)
                """,
            arguments: ["user": userID]
        ).map { MatchPair($0["low_id"], $0["high_id"]) }
    }

    /// Whom the person's next message goes to, if anyone.
    static func relayTarget(_ db: Database, from sender: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT to_id FROM dating_relays WHERE from_id = ?", arguments: [sender])
    }

    /// The next profile for a moderator: hidden ones first, then the one reported earliest.
    ///
    /// - Parameter excluded: A profile just reviewed in this update, whose write is not
    ///   committed yet.
    static func nextReported(_ db: Database, excluding excluded: Int64?) throws -> ReportedProfile? {
        guard
            let userID = try Int64.fetchOne(
                db,
                sql: """
                    SELECT r.to_id FROM dating_reports AS r JOIN dating_profiles AS p ON p.user_id = r.to_id
                    WHERE r.reviewed = 0 AND p.moderation <> 'banned' AND r.to_id IS NOT ?
                    GROUP BY r.to_id
                    ORDER BY p.moderation = 'hidden' DESC, MIN(r.at), r.to_id
                    LIMIT 1
                    """,
                arguments: [excluded]),
            let profile = try DatingProfile.fetch(db, userID: userID)
        else { return nil }
        let reasons = try Row.fetchAll(
            db,
            sql: """
                SELECT reason, COUNT(*) AS n FROM dating_reports WHERE to_id = ? AND reviewed = 0
                GROUP BY reason ORDER BY n DESC, reason
                """,
            arguments: [userID]
        ).compactMap { row in ReportReason(rawValue: row["reason"]).map { (reason: $0, count: row["n"] as Int) } }
        return ReportedProfile(profile: profile, reasons: reasons)
    }
}
