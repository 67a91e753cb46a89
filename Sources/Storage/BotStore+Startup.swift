public import Foundation
import GRDB

extension BotStore {
    /// What a bot needs from its database to start, read at once.
    public struct StartupState: Sendable {
        /// The webhook address registered by an earlier run and not deleted since.
        public let registeredWebhook: String?
        /// The offset to confirm with the next poll, if any update was ever stored.
        public let pollOffset: Int64?
        /// Chats that blocked the bot.
        public let blockedChatIDs: Set<Int64>
        /// Updates not handled yet, in update id order.
        public let pendingInbox: [InboxRecord]
        /// Messages not sent yet, in id order.
        public let pendingOutbox: [OutboxRecord]
        /// When the earliest scheduled job is due, if any job is scheduled.
        public let earliestJobDue: Date?
    }

    /// Reads what the bot needs to start, in one visit: a host starting a thousand bots with
    /// fewer database slots opens each file once, not once per read.
    ///
    /// A new bot's file does not exist yet and holds nothing to pick up: it is created (and
    /// migrated) by the bot's first work, not here, so a host starting many new bots creates no
    /// files. Only its folder is prepared and checked, so that an unwritable data folder still
    /// shows at start. An existing file is opened and migrated.
    ///
    /// - Throws: ``StorageError`` when the folder cannot be written, the file cannot be opened
    ///   or migrated, or a read fails.
    public func startupState() async throws -> StartupState {
        if let file = newFile {
            try file.prepareFolder()
            return StartupState(
                registeredWebhook: nil, pollOffset: nil, blockedChatIDs: [], pendingInbox: [], pendingOutbox: [],
                earliestJobDue: nil)
        }
        return try await read { db in
            StartupState(
                registeredWebhook: try HostState.string(HostState.webhookURL, in: db),
                pollOffset: try HostState.int(HostState.pollOffset, in: db),
                blockedChatIDs: try Self.blockedChatIDs(in: db),
                pendingInbox: try Self.pendingInbox(in: db),
                pendingOutbox: try Self.pendingOutbox(in: db),
                earliestJobDue: try ScheduledJobRecord.fetchOne(
                    db, sql: "SELECT * FROM scheduled_jobs ORDER BY due_at, id LIMIT 1")?.dueAt)
        }
    }
}
