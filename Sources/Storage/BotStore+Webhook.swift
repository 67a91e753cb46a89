import GRDB
extension BotStore {
    /// Records the registered webhook address, or its removal (`nil`); kept so that switching
    /// back to polling knows to delete it (``StartupState/registeredWebhook``).
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
