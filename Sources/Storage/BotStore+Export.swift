public import GRDB

extension BotStore {
    /// The host's rows about a person: exactly what ``forgetHostRows(ofUser:currentUpdate:in:)``
    /// erases or blanks, so that an export taken after a forget is empty.
    ///
    /// - `users`, `user_time_zones`: their user row and their own time zone;
    /// - `chats`: their private chat, with its `blocked` state;
    /// - `scheduled_jobs`, `outbox`: that chat's jobs and messages, sent, dead (the dead letters)
    ///   or waiting;
    /// - `inbox`: the updates that chat sent whose payloads are still stored (a forget blanks
    ///   them), with each payload's JSON as text.
    ///
    /// Each table is ordered by its key. Read inside one read transaction for a consistent view.
    public static func exportHostRows(ofUser userID: Int64, in db: Database) throws -> PersonData {
        var data = PersonData()
        let user: StatementArguments = [userID]
        try data.append("users", sql: "SELECT * FROM users WHERE id = ?", arguments: user, in: db)
        try data.append(
            "user_time_zones", sql: "SELECT * FROM user_time_zones WHERE user_id = ?", arguments: user, in: db)
        try data.append("chats", sql: "SELECT * FROM chats WHERE id = ? AND kind = 'private'", arguments: user, in: db)
        try data.append(
            "scheduled_jobs", sql: "SELECT * FROM scheduled_jobs WHERE chat_id = ? ORDER BY id", arguments: user,
            in: db)
        try data.append("outbox", sql: "SELECT * FROM outbox WHERE chat_id = ? ORDER BY id", arguments: user, in: db)
        try data.append(
            "inbox", sql: "SELECT * FROM inbox WHERE lane = ? AND length(payload) > 0 ORDER BY update_id",
            arguments: user, in: db)
        return data
    }
}
