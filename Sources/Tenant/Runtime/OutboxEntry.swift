import Storage
/// What the outbox carries to the sender, in each chat's order: messages to send, and what the
/// dispatcher learned about a chat's reachability.
enum OutboxEntry: Sendable {
    /// A stored outbox row, with its action when it is still in memory.
    case message(OutboxItem)
    /// The person blocked the bot (`blocked`), or wrote again or had their messages retried
    /// (not `blocked`): the sender keeps its set of blocked chats in step, in order with the
    /// chat's messages.
    case reachability(chatID: Int64, blocked: Bool)

    /// The lane: the chat.
    var chatID: Int64 {
        switch self {
        case .message(let item): item.record.chatID
        case .reachability(let chatID, _): chatID
        }
    }

    /// Whether a person waits for it: an interactive message, not broadcast traffic.
    var isUrgent: Bool {
        if case .message(let item) = self { return item.record.broadcastID == nil }
        return false
    }

    /// Queues rows read back from the database (their actions are decoded when sent).
    static func messages(_ rows: [OutboxRecord]) -> [OutboxEntry] {
        rows.map { .message(OutboxItem(record: $0, action: nil)) }
    }

    /// Queues retried dead letters: their chats are reachable again (requeueing unblocked them
    /// in the database), then their rows.
    static func requeued(_ rows: [OutboxRecord]) -> [OutboxEntry] {
        var seen: Set<Int64> = []
        let unblocked = rows.compactMap { row in
            seen.insert(row.chatID).inserted ? OutboxEntry.reachability(chatID: row.chatID, blocked: false) : nil
        }
        return unblocked + messages(rows)
    }
}

/// An outbox row on its way to the sender.
///
/// A row written by the update that caused it keeps the decoded action beside it, so the
/// sender does not parse its own JSON again: the payload is only the durable copy. Rows read
/// back from the database (a restart, a retried dead letter, a broadcast) carry none.
struct OutboxItem: Sendable {
    /// The stored row.
    var record: OutboxRecord
    /// The row's action, when it is still in memory.
    var action: OutgoingAction?

    /// The row's action: the one in memory, or its payload decoded.
    func decodedAction() throws -> OutgoingAction {
        if let action { return action }
        return try OutboxCoding.decode(record.payload)
    }
}
