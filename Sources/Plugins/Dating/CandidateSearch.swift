import Tenant
package import GRDB

/// Finds the next profile to show a person.
///
/// A candidate is visible, lives in the same city, is of a gender the viewer wants to meet and
/// wants to meet the viewer's gender, and is at most ``ageRange`` years older or younger (so
/// the viewer is within the candidate's range too). Never shown: the viewer, the card shown
/// last, people the viewer liked or reported, people blocked by or blocking the viewer, and
/// people who blocked the bot. People never shown come first; once the viewer has seen
/// everyone, the one shown longest ago.
///
/// Two queries, each stopping at the first row that qualifies rather than sorting them all:
/// the unseen search walks the `dating_profiles_search` partial index (equality on city,
/// gender and wish, a range on age); the seen search walks the viewer's views oldest first
/// (`dating_views_seen`). Every exclusion is one primary-key lookup.
package struct CandidateSearch: Sendable {
    /// How many years older or younger a candidate may be.
    let ageRange: Int
    /// The youngest age shown.
    let minimumAge: Int

    /// Creates a search with the plugin's age settings.
    package init(ageRange: Int, minimumAge: Int) {
        self.ageRange = ageRange
        self.minimumAge = minimumAge
    }

    /// The user id of the next candidate for `userID`, or `nil` when there is none or the
    /// person has no finished profile.
    package func nextCandidateID(forUser userID: Int64, in db: Database) throws -> Int64? {
        guard let viewer = try DatingProfile.fetch(db, userID: userID) else { return nil }
        return try next(for: viewer, in: db)?.userID
    }

    /// SQLite's plans for `userID`'s searches, one line per step (`SEARCH p USING INDEX …`):
    /// the unseen search's, then the seen search's.
    package func queryPlan(forUser userID: Int64, in db: Database) throws -> [String] {
        guard let viewer = try DatingProfile.fetch(db, userID: userID), let arguments = arguments(for: viewer) else {
            return []
        }
        return try [unseenSQL(viewer), seenSQL(viewer)].flatMap { sql in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    /// The next candidate for `viewer`, or `nil`.
    func next(for viewer: DatingProfile, in db: Database) throws -> DatingProfile? {
        guard let arguments = arguments(for: viewer) else { return nil }
        // Two texts per query (one or two genders wished for): cached, they are compiled once.
        return try DatingProfile.fetchOne(db.cachedStatement(sql: unseenSQL(viewer)), arguments: arguments)
            ?? DatingProfile.fetchOne(db.cachedStatement(sql: seenSQL(viewer)), arguments: arguments)
    }

    /// Candidates the viewer was never shown, in the search index's order.
    private func unseenSQL(_ viewer: DatingProfile) -> String {
        """
        SELECT p.* FROM dating_profiles AS p
        WHERE \(wishes(viewer))
          AND NOT EXISTS (SELECT 1 FROM dating_views AS v WHERE v.from_id = :viewer AND v.to_id = p.user_id)
          AND \(exclusions)
        LIMIT 1
        """
    }

    /// Candidates the viewer was shown, the one shown longest ago first.
    private func seenSQL(_ viewer: DatingProfile) -> String {
        """
        SELECT p.* FROM dating_views AS v CROSS JOIN dating_profiles AS p ON p.user_id = v.to_id
        WHERE v.from_id = :viewer AND \(wishes(viewer)) AND \(exclusions)
        ORDER BY v.at
        LIMIT 1
        """
    }

    /// Visible people the viewer and they would both like to meet; `p` is the candidate's profile.
    private func wishes(_ viewer: DatingProfile) -> String {
        let genders = (viewer.seeking?.genders ?? []).indices.map { ":g\($0)" }.joined(separator: ", ")
        return """
            \(DatingSchema.visible)
              AND p.city_key = :city
              AND p.gender IN (\(genders))
              AND p.seeking IN (:gender, 'a')
              AND p.age BETWEEN :low AND :high
              AND p.user_id NOT IN (:viewer, :last)
            """
    }

    /// People never shown whatever the wishes: liked, reported, blocked either way, or blocking
    /// the bot. Written after the cheaper terms, which SQLite then tries first.
    private let exclusions = """
        NOT EXISTS (SELECT 1 FROM dating_likes AS l WHERE l.from_id = :viewer AND l.to_id = p.user_id)
          AND NOT EXISTS (SELECT 1 FROM dating_reports AS r WHERE r.from_id = :viewer AND r.to_id = p.user_id)
          AND NOT EXISTS (SELECT 1 FROM dating_blocks AS b WHERE b.from_id = :viewer AND b.to_id = p.user_id)
          AND NOT EXISTS (SELECT 1 FROM dating_blocks AS b WHERE b.from_id = p.user_id AND b.to_id = :viewer)
          AND NOT EXISTS (SELECT 1 FROM chats AS c WHERE c.id = p.chat_id AND c.blocked = 1)
        """

    /// The viewer's values for the queries; `nil` until their profile is finished.
    private func arguments(for viewer: DatingProfile) -> StatementArguments? {
        guard viewer.complete, let age = viewer.age, let gender = viewer.gender, let seeking = viewer.seeking,
            let city = viewer.city
        else { return nil }
        var arguments: [String: (any DatabaseValueConvertible)?] = [
            "viewer": viewer.userID, "last": viewer.currentCard ?? viewer.userID, "city": DatingProfile.cityKey(city),
            "gender": gender.rawValue, "low": max(minimumAge, age - ageRange), "high": age + ageRange,
        ]
        for (index, value) in seeking.genders.enumerated() { arguments["g\(index)"] = value.rawValue }
        return StatementArguments(arguments)
    }
}
