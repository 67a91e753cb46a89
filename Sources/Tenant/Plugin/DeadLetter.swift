public import Foundation
import Storage

/// A message the bot gave up sending, as a plugin sees it.
public struct DeadLetter: Sendable, Equatable {
    /// Its id, for ``DeliveryControl/retryDeadLetters(_:)``.
    public var id: Int64
    /// The chat it was for.
    public var chatID: Int64
    /// The text it carried; `nil` for a button answer or an unreadable message.
    public var text: String?
    /// Why it was given up on: the platform's answer, or the host's reason.
    public var reason: String?
    /// How many times sending it was tried.
    public var attempts: Int
    /// When it was queued.
    public var queuedAt: Date

    /// Creates a dead letter.
    public init(id: Int64, chatID: Int64, text: String?, reason: String?, attempts: Int, queuedAt: Date) {
        self.id = id
        self.chatID = chatID
        self.text = text
        self.reason = reason
        self.attempts = attempts
        self.queuedAt = queuedAt
    }

    /// The dead letter of a stored outbox row; `nil` for a row not stored yet.
    init?(_ row: OutboxRecord) {
        guard let id = row.id else { return nil }
        self.init(
            id: id, chatID: row.chatID, text: row.messageText, reason: row.lastError, attempts: row.attempts,
            queuedAt: row.createdAt)
    }
}
