import Foundation
import Storage

extension Tenant {
    /// Everything the bot holds about a person (``PersonExport``), read in one read
    /// transaction; for the management API.
    ///
    /// - Throws: ``TenantError`` when the bot is not running; a plugin's export error.
    public func exportPerson(_ userID: Int64) async throws -> PersonExport {
        guard let store = runningStore else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running")
        }
        let (bot, plugins, date) = (configuration.bot, plugins, now())
        return try await store.read { db in
            try PersonExport.read(userID: userID, bot: bot, plugins: plugins, at: date, in: db)
        }
    }
}
