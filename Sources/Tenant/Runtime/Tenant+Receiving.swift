import Foundation
import Logging

extension Tenant {
    /// Identifies the bot, retrying network trouble with backoff.
    ///
    /// - Returns: The identity, or `nil` when the bot was stopped while waiting.
    /// - Throws: ``TenantError`` when the platform rejects the credentials.
    func identify() async throws -> BotIdentity? {
        let platform = self.platform
        return try await retryingPlatformTrouble("cannot reach the platform") { try await platform.identify() }
    }

    /// Runs a platform call until it succeeds, retrying transient failures with backoff (and
    /// 429s after their `retry_after`).
    ///
    /// - Parameter trouble: Says what failed, for the retry log line.
    /// - Returns: The result, or `nil` when the bot was stopped while waiting.
    /// - Throws: ``TenantError`` when the platform rejects the credentials or the request itself.
    func retryingPlatformTrouble<T: Sendable>(
        _ trouble: String, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        var backoff = configuration.backoff
        while !stopSignal.isFired {
            let delay: Duration
            do {
                return try await untilStopped(operation)
            } catch let error as PlatformError {
                switch error.kind {
                case .unauthorized:
                    throw TenantError(botID: configuration.bot.id, reason: error.message)
                case .permanent, .migrated, .blocked:
                    throw TenantError(botID: configuration.bot.id, reason: "\(trouble): \(error)")
                case .rateLimited(let retryAfter):
                    delay = retryAfter
                case .transient, .conflict:
                    delay = backoff.next()
                }
                logger.warning("\(trouble), retrying in \(delay): \(error)")
            } catch {
                if stopSignal.isFired { return nil }
                delay = backoff.next()
                logger.warning("\(trouble), retrying in \(delay): \(error)")
            }
            guard await pause(for: delay) else { return nil }
        }
        return nil
    }

    /// Long-polls from `offset` until the task is cancelled (the bot stops), storing each batch
    /// in the inbox with the next offset, in one unit of work of the group commit, before
    /// dispatching it.
    func pollLoop(_ poller: any UpdatePoller, commits: GroupCommit, from offset: Int64?) async {
        // The loop waits as long as the bot runs, and a task keeps the memory of its deepest
        // call until it ends: logging and error handling stay in synchronous helpers, on the
        // thread's stack, so that this frame stays small.
        var backoff = configuration.backoff
        var offset = offset
        while !Task.isCancelled {
            do {
                let updates = try await poller.poll(
                    offset: offset, timeout: configuration.pollTimeout, kinds: interests)
                backoff.reset()
                guard let last = updates.map(\.id).max() else { continue }
                try await ingestPolled(updates, nextOffset: last + 1, commits: commits)
                offset = last + 1
            } catch {
                if error is CancellationError || Task.isCancelled { return }
                guard let delay = pollFailed(error, backoff: &backoff) else { return }
                try? await clock.sleep(for: delay)
            }
        }
    }

    /// Stores a polled batch with the offset after it, and dispatches the new updates.
    private func ingestPolled(_ updates: [ReceivedUpdate], nextOffset: Int64, commits: GroupCommit) async throws {
        let inserted = try await commits.ingest(updates.map(Self.inboxRecord(at: now())), nextOffset: nextOffset)
        metrics.received(kinds: inserted.map(\.kind))
        await inbox.submit(inserted.map(InboxWork.update), lane: \.lane)
    }

    /// Logs a failed poll or store and says how long to wait before polling again; `nil` when
    /// polling must end (the token was rejected).
    private func pollFailed(_ error: any Error, backoff: inout Backoff) -> Duration? {
        guard let error = error as? PlatformError else {
            let delay = backoff.next()
            logger.error("storing updates failed, retrying in \(delay): \(error)")
            return delay
        }
        switch error.kind {
        case .unauthorized:
            failWhileRunning(error.message)
            return nil
        case .conflict:
            let delay = backoff.next()
            logger.error(
                "another poller or a webhook holds this bot's updates (409); retrying in \(delay). Run one instance per token, or delete the webhook: \(error.message)"
            )
            return delay
        case .rateLimited(let retryAfter):
            logger.warning("polling rate-limited, retrying in \(retryAfter)")
            return retryAfter
        default:
            let delay = backoff.next()
            logger.warning("polling failed, retrying in \(delay): \(error)")
            return delay
        }
    }

    /// Runs `operation` unless the bot stops first, cancelling it then.
    ///
    /// - Returns: The result, or `nil` when the bot stopped first.
    func untilStopped<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                await self.stopSignal.wait()
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// Waits `duration` unless the bot stops first.
    ///
    /// - Returns: `true` when the full time passed, `false` when the bot is stopping.
    func pause(for duration: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await self.clock.sleep(for: duration)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                await self.stopSignal.wait()
                return false
            }
            let finished = await group.next() ?? false
            group.cancelAll()
            return finished && !stopSignal.isFired
        }
    }
}
