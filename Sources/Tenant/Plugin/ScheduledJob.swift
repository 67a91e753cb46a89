public import Foundation

/// Work a plugin scheduled for one chat with ``PluginContext/schedule(_:at:chatID:payload:)``.
///
/// When it is due the host calls the plugin's ``Plugin/fire(_:context:)`` in the chat's order
/// with its updates. What the plugin does there commits together with the job's removal, so a
/// job's effects apply once, also across crashes and restarts.
public struct ScheduledJob: Sendable, Hashable {
    /// The chat it is for; `context.reply` answers there.
    public var chatID: Int64
    /// The plugin's name for it, unique per chat: scheduling the same key again moves it.
    public var key: String
    /// When it was due.
    public var dueAt: Date
    /// What the plugin stored with it.
    public var payload: String

    /// Creates a job.
    public init(chatID: Int64, key: String, dueAt: Date, payload: String = "") {
        self.chatID = chatID
        self.key = key
        self.dueAt = dueAt
        self.payload = payload
    }
}
