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
    }

    /// Opens the database (creating and migrating it if needed) and reads what the bot needs to
    /// start, in one visit: a host starting a thousand bots with fewer database slots opens
    /// each file once, not once per read.
    ///
    /// - Throws: ``StorageError`` when the file cannot be opened or migrated, or a read fails.
    public func startupState() async throws -> StartupState {
        try await read { db in
            StartupState(
                registeredWebhook: try HostState.string(HostState.webhookURL, in: db),
                pollOffset: try HostState.int(HostState.pollOffset, in: db),
                blockedChatIDs: try Self.blockedChatIDs(in: db),
                pendingInbox: try Self.pendingInbox(in: db),
                pendingOutbox: try Self.pendingOutbox(in: db))
        }
    }
}
