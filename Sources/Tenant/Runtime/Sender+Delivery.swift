import Foundation
import Logging
import Storage

extension Sender {
    /// Sends one row within the bot's limits, applying the error policy.
    ///
    /// - Returns: `false` when sending was interrupted (the row stays pending), `true` otherwise.
    func deliver(_ item: OutboxItem) async -> Bool {
        let row = item.record
        guard let id = row.id else { return true }
        var logger = logger
        logger[metadataKey: "chat"] = "\(row.chatID)"
        logger[metadataKey: "outbox_id"] = "\(id)"
        var action: OutgoingAction
        do {
            action = try item.decodedAction()
        } catch {
            await deadLetter(id, "unreadable payload: \(error)", logger: logger)
            return true
        }
        if let newID = migratedChats[action.chatID] { action = action.redirected(to: newID) }
        var backoff = backoff
        let isBroadcast = row.broadcastID != nil
        while !Task.isCancelled {
            if blockedChats.contains(action.chatID) {
                await deadLetter(id, "the user blocked the bot; nothing is sent until they write again", logger: logger)
                return true
            }
            if action.isPaced {
                do {
                    let ready = await pacer.chatReadyTime(chatID: action.chatID, now: clock.now)
                    if ready > clock.now { try await clock.sleep(until: ready) }
                    let slot = await pacer.reserve(chatID: action.chatID, isBroadcast: isBroadcast, now: clock.now)
                    if slot > clock.now { try await clock.sleep(until: slot) }
                } catch {
                    return false
                }
                // A 429 while this message slept (on its chat, or on any broadcast message): wait again.
                if await pacer.isPaused(chatID: action.chatID, isBroadcast: isBroadcast, now: clock.now) { continue }
            }
            await record(logger) { try await commits.flushSentMarks() }
            let retryDelay: Duration
            do {
                _ = try await platform.perform(action, idempotencyKey: "\(id)")
                // The platform has the message: note that even if the bot is being cut short; the
                // mark is written with the next transaction, at the latest when the bot stops.
                commits.noteSent(outboxID: id, at: now())
                metrics.messageSent()
                return true
            } catch let error as PlatformError {
                switch error.kind {
                case .rateLimited(let retryAfter):
                    logger.warning("rate-limited (429), this chat waits \(retryAfter)")
                    await pacer.pause(chatID: action.chatID, isBroadcast: isBroadcast, until: clock.now + retryAfter)
                    await countRateLimit(logger: logger)
                    retryDelay = .zero
                case .migrated(let newID):
                    logger.notice("the group became supergroup \(newID); resending there")
                    await record(logger) { try await store.migrateChat(from: action.chatID, to: newID) }
                    migratedChats[action.chatID] = newID
                    action = action.redirected(to: newID)
                    retryDelay = .zero
                case .blocked:
                    logger.notice("the chat blocked the bot (\(error.message)); its pending messages are dead-lettered")
                    blockedChats.insert(action.chatID)
                    await record(logger) {
                        let dropped = try await store.markChatBlocked(action.chatID, reason: error.description)
                        for _ in 0..<dropped { metrics.deadLettered() }
                    }
                    await deadLetter(id, error.description, logger: logger)
                    return true
                case .transient, .conflict:
                    if now().timeIntervalSince(row.createdAt) > limits.maxAge.timeInterval {
                        await deadLetter(id, "gave up after \(limits.maxAge): \(error)", logger: logger)
                        return true
                    }
                    retryDelay = backoff.next()
                    logger.warning("sending failed, retrying in \(retryDelay): \(error)")
                case .unauthorized, .permanent:
                    await deadLetter(id, error.description, logger: logger)
                    return true
                }
                await record(logger) { try await store.recordAttempt(outboxID: id, error: error.description) }
            } catch {
                if Task.isCancelled { return false }
                retryDelay = backoff.next()
                logger.warning("sending failed, retrying in \(retryDelay): \(error)")
            }
            if retryDelay > .zero {
                do { try await clock.sleep(for: retryDelay) } catch { return false }
            }
        }
        return false
    }

    private func deadLetter(_ id: Int64, _ reason: String, logger: Logger) async {
        logger.error("message dead-lettered: \(reason)")
        // A blocked chat's pending messages were dead-lettered (and counted) all at once.
        await record(logger) {
            if try await store.markDead(outboxID: id, at: now(), error: reason) { metrics.deadLettered() }
        }
    }

    private func countRateLimit(logger: Logger) async {
        metrics.rateLimitedCall()
        await record(logger) {
            try await store.write { db in try HostState.increment(HostState.rateLimited, in: db) }
        }
    }

    private func record(_ logger: Logger, _ write: () async throws -> Void) async {
        do {
            try await write()
        } catch {
            logger.error("cannot record the outbox state: \(error)")
        }
    }
}

extension OutgoingAction {
    /// Whether the platform's message limits apply (answers to button presses are not messages).
    var isPaced: Bool {
        if case .answerCallback = self { return false }
        return true
    }

    /// The same action for a chat's new id.
    func redirected(to chatID: Int64) -> OutgoingAction {
        switch self {
        case .send(var message):
            message.chatID = chatID
            return .send(message)
        case .edit(var edit):
            edit.chatID = chatID
            return .edit(edit)
        case .editButtons(var edit):
            edit.chatID = chatID
            return .editButtons(edit)
        case .answerCallback(var answer):
            answer.chatID = chatID
            return .answerCallback(answer)
        }
    }
}
