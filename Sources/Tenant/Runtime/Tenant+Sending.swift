import Logging

extension Tenant {
    /// Sends one chat's outbox rows at a time, in order, until the outbox closes.
    func sendWorker(store: BotStore) async {
        while let batch = await outbox.next() {
            for row in batch.items {
                guard await deliver(row, store: store) else { break }
            }
            await outbox.finish(batch.lane)
        }
    }

    /// Sends one row, retrying what is worth retrying.
    ///
    /// - Returns: `false` when sending was interrupted (the row stays pending), `true` otherwise.
    private func deliver(_ row: OutboxRecord, store: BotStore) async -> Bool {
        guard let id = row.id else { return true }
        var logger = logger
        logger[metadataKey: "chat.id"] = "\(row.chatID)"
        logger[metadataKey: "outbox.id"] = "\(id)"
        let action: OutgoingAction
        do {
            action = try OutboxCoding.decode(row.payload)
        } catch {
            await record { try await store.markDead(outboxID: id, at: now(), error: "unreadable payload: \(error)") }
            return true
        }
        var backoff = configuration.backoff
        while !Task.isCancelled {
            let delay: Duration
            do {
                _ = try await platform.perform(action)
                await record { try await store.markSent(outboxID: id, at: now()) }
                return true
            } catch let error as PlatformError {
                switch error.kind {
                case .rateLimited(let retryAfter):
                    logger.warning("rate-limited by the platform, retrying in \(retryAfter)")
                    delay = retryAfter
                case .transient, .conflict:
                    delay = backoff.next()
                    logger.warning("sending failed, retrying in \(delay): \(error)")
                case .unauthorized, .blocked, .permanent, .migrated:
                    logger.error("message dropped: \(error)")
                    await record { try await store.markDead(outboxID: id, at: now(), error: error.description) }
                    return true
                }
                await record { try await store.recordAttempt(outboxID: id, error: error.description) }
            } catch {
                if Task.isCancelled { return false }
                delay = backoff.next()
                logger.warning("sending failed, retrying in \(delay): \(error)")
            }
            do {
                try await clock.sleep(for: delay)
            } catch {
                return false
            }
        }
        return false
    }

    private func record(_ write: () async throws -> Void) async {
        do {
            try await write()
        } catch {
            logger.error("cannot record the outbox state: \(error)")
        }
    }
}
