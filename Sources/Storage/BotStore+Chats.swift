import GRDB
extension BotStore {
    /// Marks a chat blocked (the user blocked the bot, or it was removed) and dead-letters
    /// everything still pending for it, in one transaction.
    ///
    /// - Returns: How many pending messages were dead-lettered.
    @discardableResult
    public func markChatBlocked(_ chatID: Int64, reason: String) async throws -> Int {
        try await write { db in
            try db.execute(sql: "UPDATE chats SET blocked = 1 WHERE id = ?", arguments: [chatID])
            try db.execute(
                sql: "UPDATE outbox SET status = 'dead', last_error = ? WHERE chat_id = ? AND status = 'pending'",
                arguments: [reason, chatID])
            let dropped = db.changesCount
            try HostState.increment(HostState.messagesDead, by: dropped, in: db)
            return dropped
        }
    }

    /// The chats that blocked the bot and have not written since.
    static func blockedChatIDs(in db: Database) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: "SELECT id FROM chats WHERE blocked = 1"))
    }

    /// Moves a group that became a supergroup to its new id: the chat row and its pending messages.
    public func migrateChat(from oldID: Int64, to newID: Int64) async throws {
        try await write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM chats WHERE id = ?", arguments: [newID]) ?? false
            if exists {
                try db.execute(sql: "DELETE FROM chats WHERE id = ?", arguments: [oldID])
            } else {
                try db.execute(sql: "UPDATE chats SET id = ?, kind = 'supergroup' WHERE id = ?", arguments: [newID, oldID])
            }
            try db.execute(
                sql: "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'", arguments: [newID, oldID])
        }
    }
}
