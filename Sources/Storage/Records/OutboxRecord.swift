public import Foundation
public import GRDB

/// One outgoing platform call, committed in the same transaction as the state that produced it.
public struct OutboxRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord, StoredDateEncoding {
    /// Where a message is in its life.
    public enum Status: String, Codable, Sendable {
        /// Waiting to be sent.
        case pending
        /// Accepted by the platform.
        case sent
        /// Given up on; `lastError` says why.
        case dead
    }

    public static let databaseTableName = "outbox"

    /// The row id; sending order within a chat follows it.
    public var id: Int64?
    /// The chat the call is about; calls to one chat are sent strictly in order.
    public var chatID: Int64
    /// The update that produced the call, if any.
    public var updateID: Int64?
    /// The broadcast the call belongs to; broadcasts yield to interactive replies.
    public var broadcastID: Int64?
    /// The call itself, as JSON written by the Tenant layer.
    public var payload: String
    /// Where the message is in its life.
    public var status: Status
    /// How many times sending was tried.
    public var attempts: Int
    /// The last error from the platform.
    public var lastError: String?
    /// When it was enqueued.
    public var createdAt: Date
    /// When the platform accepted it.
    public var sentAt: Date?

    /// Creates a pending record.
    public init(chatID: Int64, updateID: Int64?, payload: String, createdAt: Date, broadcastID: Int64? = nil) {
        self.id = nil
        self.chatID = chatID
        self.updateID = updateID
        self.broadcastID = broadcastID
        self.payload = payload
        self.status = .pending
        self.attempts = 0
        self.lastError = nil
        self.createdAt = createdAt
        self.sentAt = nil
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum CodingKeys: String, CodingKey {
        case id
        case chatID = "chat_id"
        case updateID = "update_id"
        case broadcastID = "broadcast_id"
        case payload, status, attempts
        case lastError = "last_error"
        case createdAt = "created_at"
        case sentAt = "sent_at"
    }

    /// Typed column names.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let chatID = Column(CodingKeys.chatID)
        public static let status = Column(CodingKeys.status)
        public static let broadcastID = Column(CodingKeys.broadcastID)
    }
}
