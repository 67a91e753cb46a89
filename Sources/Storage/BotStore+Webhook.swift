extension BotStore {
    /// The webhook address this bot last registered with its platform, if it has not been
    /// deleted since; kept so that switching back to polling knows to delete it.
    public func registeredWebhook() async throws -> String? {
        try await read { db in try HostState.string(HostState.webhookURL, in: db) }
    }

    /// Records the registered webhook address, or its removal (`nil`).
    public func setRegisteredWebhook(_ url: String?) async throws {
        try await write { db in
            if let url {
                try HostState.set(HostState.webhookURL, to: url, in: db)
            } else {
                try db.execute(sql: "DELETE FROM host_state WHERE key = ?", arguments: [HostState.webhookURL])
            }
        }
    }
}
