public import GRDB
extension BotStore {
    /// Messages given up on, newest first.
    public func deadLetters(limit: Int = 20) async throws -> [OutboxRecord] {
        try await read { db in
            try OutboxRecord
                .filter(OutboxRecord.Columns.status == OutboxRecord.Status.dead.rawValue)
                .order(OutboxRecord.Columns.id.desc)
                .limit(limit)
                .fetchAll(db)
                .map { row in
                    // Rows written before errors were masked on the way in.
                    var row = row
                    row.lastError = row.lastError.map(TokenRedaction.redact)
                    return row
                }
        }
    }

    /// Puts dead letters back in the queue (all of them when `ids` is `nil`) and returns them.
    ///
    /// Runs inside a caller's transaction so it can commit with other effects.
    public static func requeueDeadLetters(_ ids: [Int64]?, in db: Database) throws -> [OutboxRecord] {
        var request = OutboxRecord.filter(OutboxRecord.Columns.status == OutboxRecord.Status.dead.rawValue)
        if let ids { request = request.filter(ids.contains(OutboxRecord.Columns.id)) }
        let rows = try request.order(OutboxRecord.Columns.id).fetchAll(db)
        guard !rows.isEmpty else { return [] }
        let chats = Set(rows.map(\.chatID))
        try db.execute(
            sql: "UPDATE chats SET blocked = 0 WHERE id IN (\(chats.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(Array(chats)))
        return try rows.map { row in
            var row = row
            row.status = .pending
            row.attempts = 0
            row.lastError = nil
            try row.update(db)
            return row
        }
    }
}
