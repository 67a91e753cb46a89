public import Foundation
import Logging
import Storage

extension PluginContext {
    /// Schedules work for a chat: at `date` the host calls this plugin's
    /// ``Plugin/fire(_:context:)`` with the job, in the chat's order with its updates.
    ///
    /// Like every write, the job is stored in the update's commit; it survives restarts and
    /// runs once. Scheduling a key the chat already has moves that job (and replaces its
    /// payload). A date in the past runs as soon as possible.
    ///
    /// - Parameters:
    ///   - key: The plugin's name for the job, unique per chat (`followup`).
    ///   - date: When it is due.
    ///   - chatID: The chat; the update's chat (``replyChatID``) when `nil`.
    ///   - payload: Anything the plugin wants back, such as JSON.
    public func schedule(_ key: String, at date: Date, chatID: Int64? = nil, payload: String = "") {
        guard let chat = chatID ?? replyChatID else {
            logger.warning("job '\(key)' has no chat to run for; not scheduled")
            return
        }
        let plugin = storage.pluginName
        storage.write { db in
            try BotStore.schedule(plugin: plugin, chatID: chat, key: key, at: date, payload: payload, in: db)
        }
        effects.noteScheduled(at: date)
    }

    /// Cancels this plugin's job of that key for the chat (the update's chat when `nil`), in the
    /// update's commit. Nothing happens when there is none.
    public func cancelSchedule(_ key: String, chatID: Int64? = nil) {
        guard let chat = chatID ?? replyChatID else { return }
        let plugin = storage.pluginName
        storage.write { db in
            try BotStore.unschedule(plugin: plugin, chatID: chat, key: key, in: db)
        }
    }

    /// This plugin's waiting job of that key for the chat (the update's chat when `nil`), as
    /// committed so far.
    public func scheduledJob(_ key: String, chatID: Int64? = nil) async throws -> ScheduledJob? {
        guard let chat = chatID ?? replyChatID else { return nil }
        let plugin = storage.pluginName
        let record = try await storage.read { db in
            try BotStore.scheduledJob(plugin: plugin, chatID: chat, key: key, in: db)
        }
        return record.map(ScheduledJob.init(record:))
    }
}

extension ScheduledJob {
    /// The plugin's view of a stored job.
    init(record: ScheduledJobRecord) {
        self.init(chatID: record.chatID, key: record.key, dueAt: record.dueAt, payload: record.payload)
    }
}
