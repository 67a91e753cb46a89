public import Storage
/// A plugin's handle on the bot's outbox: dead letters and broadcasts (for admin plugins).
///
/// Retries and broadcasts are queued in the update's commit, like replies: they happen only if
/// the whole pipeline succeeds, and they survive a restart.
public struct DeliveryControl: Sendable {
    let store: BotStore
    let effects: Effects

    /// Messages given up on, newest first, with the platform's error.
    public func deadLetters(limit: Int = 20) async throws -> [DeadLetter] {
        try await store.deadLetters(limit: limit).compactMap(DeadLetter.init)
    }

    /// Puts dead letters back in the queue: those with these ids, or all when `nil`.
    public func retryDeadLetters(_ ids: [Int64]? = nil) {
        effects.append(.retryDeadLetters(ids))
    }

    /// Sends `text` to every chat the filter selects, paced by the bot's limits, resumable
    /// after a restart. Chats that blocked the bot are left out.
    public func broadcast(_ text: String, parseMode: ParseMode? = nil, filter: BroadcastFilter = BroadcastFilter()) {
        effects.append(.broadcast(BroadcastMessage(text: text, parseMode: parseMode), filter: filter))
    }

    /// How far a broadcast got: the given one, or the latest.
    public func broadcastProgress(id: Int64? = nil) async throws -> BroadcastProgress? {
        try await store.broadcastProgress(id: id)
    }
}
