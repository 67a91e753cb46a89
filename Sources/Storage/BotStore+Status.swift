public import Foundation
import GRDB

/// A snapshot of one bot's stored counters and queue depths.
public struct StoreStatus: Sendable, Equatable {
    /// Updates stored in the inbox, ever.
    public var updatesReceived: Int64
    /// Updates whose effects were committed, ever.
    public var updatesHandled: Int64
    /// Updates on which a plugin threw, ever.
    public var updatesFailed: Int64
    /// Messages the platform accepted, ever.
    public var messagesSent: Int64
    /// Messages given up on, ever.
    public var messagesDead: Int64
    /// Updates waiting to be handled.
    public var inboxDepth: Int
    /// Messages waiting to be sent.
    public var outboxDepth: Int
    /// The last error, if any.
    public var lastError: String?
    /// When the last error happened.
    public var lastErrorAt: Date?
}

extension BotStore {
    /// Reads the counters and queue depths in one consistent snapshot.
    public func status() async throws -> StoreStatus {
        try await read { db in
            StoreStatus(
                updatesReceived: try HostState.int(HostState.updatesReceived, in: db) ?? 0,
                updatesHandled: try HostState.int(HostState.updatesHandled, in: db) ?? 0,
                updatesFailed: try HostState.int(HostState.updatesFailed, in: db) ?? 0,
                messagesSent: try HostState.int(HostState.messagesSent, in: db) ?? 0,
                messagesDead: try HostState.int(HostState.messagesDead, in: db) ?? 0,
                inboxDepth: try InboxRecord.filter(InboxRecord.Columns.status == "pending").fetchCount(db),
                outboxDepth: try OutboxRecord.filter(OutboxRecord.Columns.status == "pending").fetchCount(db),
                lastError: try HostState.string(HostState.lastError, in: db).map(TokenRedaction.redact),
                lastErrorAt: try HostState.double(HostState.lastErrorAt, in: db).map(Date.init(timeIntervalSince1970:))
            )
        }
    }
}
