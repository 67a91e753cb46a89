public import GRDB
extension BotStore {
    /// Erases the host's rows about a person; call inside a write transaction (an update's
    /// commit), before that commit inserts its own outbox rows.
    ///
    /// Goes:
    /// - their `users` row and their own time zone;
    /// - their private chat (the chat whose id is theirs): its `chats` row, its scheduled jobs
    ///   and its outbox rows, sent, dead or waiting (a broadcast's total shrinks to match);
    /// - the payloads of that chat's handled updates, and of `currentUpdate` (wherever it was
    ///   sent, as it may carry the request), blanked: the rows stay, so a redelivered update is
    ///   still recognised and not handled twice.
    ///
    /// Updates of that chat still waiting in the inbox are left alone: the person wrote them
    /// after asking, and they are handled as usual.
    public static func forgetHostRows(ofUser userID: Int64, currentUpdate: Int64?, in db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM users WHERE id = :user;
                DELETE FROM user_time_zones WHERE user_id = :user;
                DELETE FROM chats WHERE id = :user AND kind = 'private';
                DELETE FROM scheduled_jobs WHERE chat_id = :user;
                UPDATE broadcasts SET total = total - (
                    SELECT COUNT(*) FROM outbox WHERE outbox.broadcast_id = broadcasts.id AND outbox.chat_id = :user)
                WHERE id IN (SELECT broadcast_id FROM outbox WHERE chat_id = :user AND broadcast_id IS NOT NULL);
                DELETE FROM outbox WHERE chat_id = :user;
                UPDATE inbox SET payload = x''
                WHERE (lane = :user AND status <> :pending) OR update_id = :current;
                """,
            arguments: ["user": userID, "pending": InboxRecord.Status.pending.rawValue, "current": currentUpdate])
    }
}
