import Logging

/// Runs platform calls of the bot's start-up (identifying it, setting or deleting its webhook)
/// until they succeed, retrying transient failures with backoff and 429s after their
/// `retry_after`, and giving up when the bot stops.
struct PlatformRetry: Sendable {
    let botID: String
    let backoff: Backoff
    let clock: any TenantClock
    let logger: Logger
    /// Fires when the bot is asked to stop.
    let stopSignal: StopSignal
    /// The bot's place among the host's start-ups, given up before the first wait to retry.
    var place: StartPlace?

    /// Runs `operation` until it succeeds.
    ///
    /// - Parameter trouble: Says what failed, for the retry log line.
    /// - Returns: The result, or `nil` when the bot was stopped while waiting.
    /// - Throws: ``TenantError`` when the platform rejects the credentials or the request itself.
    func run<T: Sendable>(_ trouble: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        var backoff = backoff
        while !stopSignal.isFired {
            let delay: Duration
            do {
                return try await untilStopped(operation)
            } catch let error as PlatformError {
                switch error.kind {
                case .unauthorized:
                    throw TenantError(botID: botID, reason: error.message)
                case .permanent, .migrated, .blocked:
                    throw TenantError(botID: botID, reason: "\(trouble): \(error)")
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
            place?.release()
            guard await pause(for: delay) else { return nil }
        }
        return nil
    }

    /// Runs `operation` unless the bot stops first, cancelling it then.
    ///
    /// - Returns: The result, or `nil` when the bot stopped first.
    private func untilStopped<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                await stopSignal.wait()
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// Waits `duration` unless the bot stops first.
    ///
    /// - Returns: `true` when the full time passed, `false` when the bot is stopping.
    private func pause(for duration: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await clock.sleep(for: duration)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                await stopSignal.wait()
                return false
            }
            let finished = await group.next() ?? false
            group.cancelAll()
            return finished && !stopSignal.isFired
        }
    }
}
