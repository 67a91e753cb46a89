package import Tenant

/// Finds the next profile to show a person.
///
/// A candidate is visible, lives in the same city, is of a gender the viewer wants to meet and
/// wants to meet the viewer's gender, and is at most ``ageRange`` years older or younger (so
/// the viewer is within the candidate's range too). Never shown: the viewer, the card shown
/// last, people the viewer liked or reported, people blocked by or blocking the viewer, and
/// people who blocked the bot. Among the rest, people never shown come first, then the one
/// shown longest ago.
///
/// The `dating_profiles_search` partial index serves the filter: equality on city, gender and
/// wish, a range on age; each exclusion is one primary-key lookup.
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

    /// SQLite's plan for `userID`'s search, one line per step (`SEARCH p USING INDEX …`).
    package func queryPlan(forUser userID: Int64, in db: Database) throws -> [String] {
        guard let viewer = try DatingProfile.fetch(db, userID: userID), let query = query(for: viewer) else {
            return []
        }
        return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: query.arguments)
            .map { $0["detail"] as String }
    }

    /// The next candidate for `viewer`, or `nil`.
    func next(for viewer: DatingProfile, in db: Database) throws -> DatingProfile? {
        guard let query = query(for: viewer) else { return nil }
        return try DatingProfile.fetchOne(db, sql: query.sql, arguments: query.arguments)
    }

    private func query(for viewer: DatingProfile) -> (sql: String, arguments: StatementArguments)? {
        guard viewer.complete, let age = viewer.age, let gender = viewer.gender, let seeking = viewer.seeking,
            let city = viewer.city
        else { return nil }
        let genders = seeking.genders.map(\.rawValue)
        let sql = """
            SELECT p.* FROM dating_profiles AS p
            LEFT JOIN dating_views AS v ON v.from_id = :viewer AND v.to_id = p.user_id
            WHERE \(DatingSchema.visible)
              AND p.city_key = :city
              AND p.gender IN (\(genders.indices.map { ":g\($0)" }.joined(separator: ", ")))
              AND p.seeking IN (:gender, 'a')
              AND p.age BETWEEN :low AND :high
              AND p.user_id NOT IN (:viewer, :last)
              AND NOT EXISTS (SELECT 1 FROM dating_likes AS l WHERE l.from_id = :viewer AND l.to_id = p.user_id)
              AND NOT EXISTS (SELECT 1 FROM dating_reports AS r WHERE r.from_id = :viewer AND r.to_id = p.user_id)
              AND NOT EXISTS (SELECT 1 FROM dating_blocks AS b WHERE b.from_id = :viewer AND b.to_id = p.user_id)
              AND NOT EXISTS (SELECT 1 FROM dating_blocks AS b WHERE b.from_id = p.user_id AND b.to_id = :viewer)
              AND NOT EXISTS (SELECT 1 FROM chats AS c WHERE c.id = p.chat_id AND c.blocked = 1)
            ORDER BY v.at IS NOT NULL, v.at, p.user_id
            LIMIT 1
            """
        var arguments: [String: (any DatabaseValueConvertible)?] = [
            "viewer": viewer.userID, "last": viewer.currentCard ?? viewer.userID, "city": DatingProfile.cityKey(city),
            "gender": gender.rawValue, "low": max(minimumAge, age - ageRange), "high": age + ageRange,
        ]
        for (index, value) in genders.enumerated() { arguments["g\(index)"] = value }
        return (sql, StatementArguments(arguments))
    }
}
