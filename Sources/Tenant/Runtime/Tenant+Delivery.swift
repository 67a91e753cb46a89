import Foundation
public import Storage

extension Tenant {
    /// Queues `text` for every chat the filter selects (chats that blocked the bot are left
    /// out), paced by the broadcast limit and resumable after a restart.
    ///
    /// - Returns: The broadcast's id, for ``broadcastProgress(id:)``.
    public func broadcast(_ text: String, parseMode: ParseMode? = nil, filter: BroadcastFilter = BroadcastFilter())
        async throws -> Int64
    {
        guard state == .running, let store = runningStore else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running; broadcast not queued")
        }
        let date = now()
        let message = BroadcastMessage(text: text, parseMode: parseMode)
        let (id, rows) = try await store.write { db in
            try message.enqueue(filter: filter, at: date, in: db)
        }
        await outbox.submit(OutboxEntry.messages(rows), lane: \.chatID)
        return id
    }

    /// How far a broadcast got: the given one, or the latest.
    public func broadcastProgress(id: Int64? = nil) async throws -> BroadcastProgress? {
        guard let store = runningStore else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running")
        }
        return try await store.broadcastProgress(id: id)
    }

    /// Messages given up on, newest first.
    public func deadLetters(limit: Int = 20) async throws -> [OutboxRecord] {
        guard let store = runningStore else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running")
        }
        return try await store.deadLetters(limit: limit)
    }

    /// Queues dead letters again (all of them when `ids` is `nil`); returns how many.
    @discardableResult
    public func retryDeadLetters(_ ids: [Int64]? = nil) async throws -> Int {
        guard state == .running, let store = runningStore else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running; nothing retried")
        }
        let rows = try await store.write { db in try BotStore.requeueDeadLetters(ids, in: db) }
        await outbox.submit(OutboxEntry.requeued(rows), lane: \.chatID)
        return rows.count
    }
}

extension Tenant {
    /// Updates received and messages sent per `period` for the `count` periods that end now,
    /// oldest first (the dashboard's chart and per-minute rates).
    public func traffic(period: Duration = .seconds(60), count: Int = 60) async throws -> [TrafficSample] {
        guard let store = runningStore else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running")
        }
        let length = period.timeInterval
        let end = (now().timeIntervalSince1970 / length).rounded(.down) * length + length
        return try await store.traffic(
            from: Date(timeIntervalSince1970: end - length * Double(count)), period: length, count: count)
    }
}
