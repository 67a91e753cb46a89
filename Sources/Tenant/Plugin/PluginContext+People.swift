import Storage
import GRDB
extension PluginContext {
    /// A person as the host last saw them: name, username and client language, kept up to date
    /// from every update they sent. `nil` for someone the bot never saw, or forgot
    /// (``forgetUser(_:)``).
    ///
    /// Useful where no update names the person, such as in ``Plugin/fire(_:context:)``.
    public func knownUser(_ userID: Int64) async throws -> User? {
        let record = try await storage.read { db in try UserRecord.fetchOne(db, key: userID) }
        return record.map { record in
            User(
                id: record.id, isBot: record.isBot, firstName: record.firstName, lastName: record.lastName,
                username: record.username, languageCode: record.languageCode)
        }
    }

    /// Whether the chat blocked the bot: the platform refused a message because of it (403) or
    /// the person stopped or removed the bot. It stays so until they write again. Nothing queued
    /// for a blocked chat is sent; skip work meant for it.
    public func chatHasBlockedBot(_ chatID: Int64) async throws -> Bool {
        try await storage.read { db in
            try Bool.fetchOne(db, sql: "SELECT blocked FROM chats WHERE id = ?", arguments: [chatID]) ?? false
        }
    }
}
