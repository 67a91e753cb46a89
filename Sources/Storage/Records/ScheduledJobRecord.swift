public import Foundation
public import GRDB

/// Work a plugin asked to run for one chat at a given time, kept until it ran.
///
/// One row per plugin, chat and key: scheduling the same key again moves it.
public struct ScheduledJobRecord: Codable, Sendable, Equatable, FetchableRecord, StoredDateEncoding,
    PersistableRecord
{
    public static let databaseTableName = "scheduled_jobs"

    /// The row id.
    public var id: Int64
    /// The plugin that runs it.
    public var plugin: String
    /// The chat it is for; it runs in that chat's order with its updates.
    public var chatID: Int64
    /// The plugin's name for it, unique per plugin and chat (`followup`).
    public var key: String
    /// When it is due.
    public var dueAt: Date
    /// What the plugin stored with it.
    public var payload: String

    /// Creates a record.
    public init(id: Int64, plugin: String, chatID: Int64, key: String, dueAt: Date, payload: String) {
        self.id = id
        self.plugin = plugin
        self.chatID = chatID
        self.key = key
        self.dueAt = dueAt
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case id, plugin
        case chatID = "chat_id"
        case key
        case dueAt = "due_at"
        case payload
    }
}
