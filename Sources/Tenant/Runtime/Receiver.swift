import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Storage

/// The bot's way in: long-polls the platform, or takes the updates pushed to the host (a
/// webhook, the sandbox), stores each batch in the inbox table and queues its new updates for
/// the ``Dispatcher``, each beside its decoded form; the batch is confirmed to the platform
/// once the group commit made it durable, with the poll offset after it.
///
/// It joins the rest of the bot only through the inbox. Before it starts, ``prepare(registeredWebhook:retry:)``
/// makes the platform deliver the way the bot's source says.
final class Receiver: Service, Sendable {
    private enum State {
        /// Not started: pushed updates are refused.
        case idle
        /// Receiving; `poll` is a polling bot's long-poll loop.
        case receiving(poll: Task<Void, Never>?)
        /// Stopped: pushed updates are refused.
        case stopped
    }

    private let state = Mutex(State.idle)
    /// Fires when ``run()`` is asked to shut down.
    private let shutdownRequested = StopSignal()

    let botID: String
    let source: UpdateSource
    let inbox: LaneScheduler<InboxWork>
    let store: BotStore
    let commits: GroupCommit
    /// Where the host keeps the bots' webhook registrations; `nil` keeps this bot's in ``store``.
    let webhookRegistrations: WebhookRegistrations?
    let pollTimeout: Duration
    let backoff: Backoff
    /// The update kinds the bot's plugins want.
    let interests: Set<UpdateKind>
    let metrics: TenantMetrics
    let logger: Logger
    let clock: any TenantClock
    let now: @Sendable () -> Date
    /// Told when the platform rejects the token while polling; the bot then stops.
    let onRevoked: @Sendable (String) -> Void

    init(
        botID: String, source: UpdateSource, inbox: LaneScheduler<InboxWork>, store: BotStore, commits: GroupCommit,
        webhookRegistrations: WebhookRegistrations?, pollTimeout: Duration, backoff: Backoff, interests: Set<UpdateKind>, metrics: TenantMetrics, logger: Logger,
        clock: any TenantClock, now: @escaping @Sendable () -> Date, onRevoked: @escaping @Sendable (String) -> Void
    ) {
        self.botID = botID
        self.source = source
        self.inbox = inbox
        self.store = store
        self.commits = commits
        self.webhookRegistrations = webhookRegistrations
        self.pollTimeout = pollTimeout
        self.backoff = backoff
        self.interests = interests
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        self.now = now
        self.onRevoked = onRevoked
    }

    /// Starts receiving: a polling bot's long poll from `offset`; pushed updates are accepted
    /// from now on.
    func start(from offset: Int64?) {
        state.withLock { state in
            guard case .idle = state else { return }
            var poll: Task<Void, Never>?
            if case .polling(let poller, _) = source {
                poll = Task.detached { await self.pollLoop(poller, from: offset) }
            }
            state = .receiving(poll: poll)
        }
    }

    /// Stores pushed updates and queues the new ones; returns once they are durable, so the
    /// caller may acknowledge them.
    ///
    /// - Throws: ``TenantError`` when the receiver is not receiving; the store's error when
    ///   the batch could not be stored.
    func ingest(_ updates: [ReceivedUpdate]) async throws {
        let receiving = state.withLock { state -> Bool in
            if case .receiving = state { return true }
            return false
        }
        guard receiving else {
            throw TenantError(botID: botID, reason: "the bot is not running; updates not accepted")
        }
        try await store(updates, nextOffset: nil)
    }

    /// Stops receiving: ends the long poll (a poll in flight is cancelled; a batch being stored
    /// finishes) and refuses pushed updates.
    func shutdown() async {
        let poll = state.withLock { state -> Task<Void, Never>? in
            defer { state = .stopped }
            if case .receiving(let poll) = state { return poll }
            return nil
        }
        poll?.cancel()
        await poll?.value
    }

    /// Receives from the position stored last until a graceful shutdown or cancellation.
    func run() async throws {
        let offset = try await store.startupState().pollOffset
        start(from: offset)
        await shutdownRequested.waitForGracefulShutdown()
        await shutdown()
    }

    /// Stores a batch, queues its new updates, and returns once the batch is durable, with the
    /// offset after it (for a poll) recorded.
    ///
    /// The batch is written without a sync (it outlives a kill at once) and made durable by the
    /// bot's next group transaction, which usually is the one that commits the batch's own
    /// updates: one synced commit per update instead of two. The caller confirms the batch to
    /// the platform (the next poll's offset, a webhook's answer) only after this returns.
    private func store(_ updates: [ReceivedUpdate], nextOffset: Int64?) async throws {
        let receivedAt = now()
        let inserted = try await store.ingestUnsynced(
            updates.map {
                InboxRecord(updateID: $0.id, lane: $0.lane, kind: $0.kind, payload: $0.raw, receivedAt: receivedAt)
            })
        let confirmation = commits.confirmation(offset: nextOffset)
        metrics.received(kinds: inserted.map(\.kind))
        if !inserted.isEmpty {
            let decoded = Dictionary(updates.map { ($0.id, $0.update) }, uniquingKeysWith: { first, _ in first })
            await inbox.submit(inserted.map { InboxWork.update($0, decoded[$0.updateID] ?? nil) }, lane: \.lane)
        }
        try await confirmation.durable()
    }

    /// Long-polls from `offset` until the task is cancelled, storing each batch before polling
    /// for the next.
    private func pollLoop(_ poller: any UpdatePoller, from offset: Int64?) async {
        // The loop waits as long as the bot runs, and a task keeps the memory of its deepest
        // call until it ends: logging and error handling stay in synchronous helpers, on the
        // thread's stack, so that this frame stays small.
        var backoff = backoff
        var offset = offset
        while !Task.isCancelled {
            do {
                let updates = try await poller.poll(offset: offset, timeout: pollTimeout, kinds: interests)
                backoff.reset()
                guard let last = updates.map(\.id).max() else { continue }
                try await store(updates, nextOffset: last + 1)
                offset = last + 1
            } catch {
                if error is CancellationError || Task.isCancelled { return }
                guard let delay = pollFailed(error, backoff: &backoff) else { return }
                try? await clock.sleep(for: delay)
            }
        }
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
            onRevoked(error.message)
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
}

extension Receiver {
    /// Makes the platform deliver updates the way the bot's source says: registers the
    /// webhook for a webhook bot, and deletes a webhook an earlier run left behind for a
    /// polling bot.
    ///
    /// The address is recorded before `setWebhook` is called, so a crash in between still
    /// leads a later polling run to delete it. With ``webhookRegistrations`` it is recorded
    /// host-wide (a registration an older version kept in the bot's file, `inFile`, moves
    /// there); without, in the bot's own file.
    ///
    /// - Returns: `false` when the bot was stopped while waiting for the platform.
    /// - Throws: ``TenantError`` when the platform refuses the webhook or the token.
    func prepare(registeredWebhook inFile: String?, retry: PlatformRetry) async throws -> Bool {
        let registered = try await registeredWebhook(inFile: inFile)
        switch source {
        case .pushed:
            return true
        case .polling(_, let webhooks):
            guard let webhooks, let previous = registered else { return true }
            guard try await retry.run("cannot delete the webhook", { try await webhooks.deleteWebhook() }) != nil
            else { return false }
            try await recordWebhook(nil)
            logger.notice("webhook \(previous) deleted; the bot polls again")
            return true
        case .webhook(let webhooks, let registration):
            if registered != registration.url.absoluteString {
                try await recordWebhook(registration.url.absoluteString)
            }
            let kinds = interests
            guard try await retry.run("cannot set the webhook", {
                try await webhooks.setWebhook(registration, kinds: kinds)
            }) != nil
            else { return false }
            logger.info("webhook set", metadata: ["webhook_url": "\(registration.url.absoluteString)"])
            return true
        }
    }

    /// The webhook address recorded for the bot; one an older version kept in the bot's file
    /// moves to the host's registrations first.
    private func registeredWebhook(inFile: String?) async throws -> String? {
        guard let webhookRegistrations else { return inFile }
        if let inFile {
            if webhookRegistrations.url(for: botID) == nil { try await recordWebhook(inFile) }
            do {
                try await store.setRegisteredWebhook(nil)
            } catch {
                throw TenantError(botID: botID, reason: "cannot record its webhook state: \(error)")
            }
        }
        return webhookRegistrations.url(for: botID)
    }

    private func recordWebhook(_ url: String?) async throws {
        do {
            if let webhookRegistrations {
                try await webhookRegistrations.record(url, for: botID)
            } else {
                try await store.setRegisteredWebhook(url)
            }
        } catch {
            throw TenantError(botID: botID, reason: "cannot record its webhook state: \(error)")
        }
    }
}
