import Foundation
import Tenant

/// One message of a person to the companion, with what the plugin reads and queues for it.
///
/// Reads run at once; writes join the update's commit, so the message, the answer and the
/// profile are stored together with the reply or not at all.
struct Conversation: Sendable {
    /// What the prompt needs from storage.
    struct Memory: Sendable {
        /// The chat's latest turns, oldest first.
        var turns: [CompanionTurn]
        /// The person's profile.
        var profile: CompanionProfile
        /// How many messages the person wrote before this one.
        var personMessages: Int
    }

    /// The private chat.
    var chatID: Int64
    /// The person writing.
    var personID: Int64
    /// What they wrote.
    var text: String
    /// Their client's language, for localized texts.
    var language: String?
    /// The update's context.
    var context: PluginContext

    /// Whether the companion has not yet told this chat that it is an AI.
    func isFirstContact() async throws -> Bool {
        try await context.storage.value(Bool.self, forKey: disclosedKey) == nil
    }

    /// Queues remembering that this chat was told.
    func markDisclosed() throws {
        try context.storage.setValue(true, forKey: disclosedKey)
    }

    /// Reads the chat's last `turns` turns, the person's profile and their message count.
    func memory(turns: Int) async throws -> Memory {
        let (chatID, personID) = (self.chatID, self.personID)
        return try await context.storage.read { db in
            Memory(
                turns: try CompanionStore.recentTurns(chatID: chatID, limit: turns, in: db),
                profile: try CompanionStore.profile(userID: personID, in: db),
                personMessages: try CompanionStore.userTurnCount(chatID: chatID, in: db))
        }
    }

    /// Queues storing the person's message and, if there is one, the companion's answer.
    ///
    /// The fallback is not stored as an answer: the model never said it.
    func store(answer: String?) {
        let now = context.now
        let turns = [CompanionTurn(chatID: chatID, role: .user, text: text, date: now)]
            + (answer.map { [CompanionTurn(chatID: chatID, role: .assistant, text: $0, date: now)] } ?? [])
        context.storage.write { db in
            for turn in turns { try CompanionStore.insert(turn, in: db) }
        }
    }

    /// Queues replacing the person's profile.
    func store(profile: CompanionProfile) {
        let (personID, now) = (self.personID, context.now)
        context.storage.write { db in
            try CompanionStore.save(profile, userID: personID, at: now, in: db)
        }
    }

    private var disclosedKey: String { Self.disclosedKey(chatID: chatID) }

    /// The `plugin_kv` key that records that a chat was told it talks to an AI.
    static func disclosedKey(chatID: Int64) -> String { "disclosed.\(chatID)" }
}
