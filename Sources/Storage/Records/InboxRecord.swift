public import Foundation
public import GRDB

/// One received update, stored before it is dispatched.
///
/// The primary key is the platform's update id, so a redelivered update is ignored
/// (`INSERT OR IGNORE`) and its effects can never be applied twice.
public struct InboxRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, StoredDateEncoding {
    /// Where an update is in its life.
    public enum Status: String, Codable, Sendable {
        /// Stored, not yet handled.
        case pending
        /// Handled; its effects are committed.
        case done
        /// A plugin threw; the error is kept and no effect was applied.
        case failed
    }

    public static let databaseTableName = "inbox"

    /// The platform's update id.
    public var updateID: Int64
    /// The dispatch lane: the chat id, or the sender's id for chat-less updates, or 0.
    public var lane: Int64
    /// The platform's name for the update type (`message`, `callback_query`, …).
    public var kind: String
    /// The update exactly as the platform sent it.
    public var payload: Data
    /// Where the update is in its life.
    public var status: Status
    /// Why a plugin failed on it, when it did.
    public var error: String?
    /// When it was stored.
    public var receivedAt: Date
    /// When it was handled or failed.
    public var handledAt: Date?

    /// Creates a pending record.
    public init(updateID: Int64, lane: Int64, kind: String, payload: Data, receivedAt: Date) {
        self.updateID = updateID
        self.lane = lane
        self.kind = kind
        self.payload = payload
        self.status = .pending
        self.error = nil
        self.receivedAt = receivedAt
        self.handledAt = nil
    }

    enum CodingKeys: String, CodingKey {
        case updateID = "update_id"
        case lane, kind, payload, status, error
        case receivedAt = "received_at"
        case handledAt = "handled_at"
    }

    /// Typed column names.
    public enum Columns {
        public static let updateID = Column(CodingKeys.updateID)
        public static let status = Column(CodingKeys.status)
    }
}
