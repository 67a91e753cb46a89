import Foundation
import Logging
import ServiceLifecycle
import Storage

/// The bot's way out: sends the outbox to the platform, chats in parallel on at most
/// `concurrentSends` workers started as messages arrive, each chat strictly in order.
///
/// It owns what sending needs to know: the pacing of the platform's limits, the chats that
/// blocked the bot (kept in step by the dispatcher's ``OutboxEntry/reachability(chatID:blocked:)``
/// entries) and the groups that became supergroups. It joins the rest of the bot only through
/// the outbox.
actor Sender: Service {
    private enum State {
        /// Not started.
        case idle
        /// Sending.
        case running
        /// Given the flush timeout to empty the outbox.
        case flushing
        /// Stopped; unsent rows stay pending in the database for the next start.
        case stopped
    }

    private var state = State.idle
    /// Fires when ``run()`` is asked to shut down.
    private let shutdownRequested = StopSignal()

    let outbox: LaneScheduler<OutboxEntry>
    let platform: any PlatformClient
    let store: BotStore
    let commits: GroupCommit
    let limits: DeliveryLimits
    let backoff: Backoff
    let flushTimeout: Duration
    let metrics: TenantMetrics
    let logger: Logger
    let clock: any TenantClock
    let now: @Sendable () -> Date
    let pacer: SendPacer
    /// Chats that blocked the bot; nothing is sent to them until they write again.
    var blockedChats: Set<Int64> = []
    /// Groups that became supergroups: old id → new id.
    var migratedChats: [Int64: Int64] = [:]

    init(
        outbox: LaneScheduler<OutboxEntry>, platform: any PlatformClient, store: BotStore, commits: GroupCommit,
        limits: DeliveryLimits, backoff: Backoff, flushTimeout: Duration, metrics: TenantMetrics, logger: Logger,
        clock: any TenantClock, now: @escaping @Sendable () -> Date
    ) {
        self.outbox = outbox
        self.platform = platform
        self.store = store
        self.commits = commits
        self.limits = limits
        self.backoff = backoff
        self.flushTimeout = flushTimeout
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        self.now = now
        self.pacer = SendPacer(limits: limits)
    }

    /// Starts sending; `blockedChats` are the chats the database knows blocked the bot.
    func start(blockedChats: Set<Int64>) async {
        guard case .idle = state else { return }
        state = .running
        self.blockedChats = blockedChats
        await outbox.serve(upTo: limits.concurrentSends) { batch in
            await self.send(batch)
        }
    }

    /// Gives the outbox the flush timeout to empty, then closes it: sends in progress are
    /// cancelled (their rows stay pending), and the "sent" marks still in memory are written.
    func shutdown() async {
        guard case .running = state else {
            state = .stopped
            return
        }
        state = .flushing
        await flushThenClose()
        await outbox.cancelWorkers()
        await outbox.waitUntilWorkersEnded()
        do {
            try await commits.flushSentMarks()
        } catch {
            logger.error("cannot record the last sent messages; the next start sends them again: \(error)")
        }
        state = .stopped
    }

    /// Sends until a graceful shutdown or cancellation, then flushes. ``start(blockedChats:)``
    /// first.
    nonisolated func run() async throws {
        await shutdownRequested.waitForGracefulShutdown()
        await shutdown()
    }

    /// Waits until the outbox is empty or the flush timeout passed, then closes it (which also
    /// ends the wait for idle); not inlined, so that its task group is not part of a waiting
    /// frame.
    @inline(never)
    private func flushThenClose() async {
        let (outbox, clock, timeout) = (outbox, clock, flushTimeout)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await outbox.waitUntilIdle() }
            group.addTask { try? await clock.sleep(for: timeout) }
            await group.next()
            await outbox.close()
            group.cancelAll()
        }
    }

    /// Sends a batch of one chat's entries in order, then hands the chat back to the outbox.
    ///
    /// A row's "sent" mark rides along in the bot's next group transaction. Before each send
    /// the marks noted so far are made durable (usually a transaction already carried them),
    /// so a kill repeats at most one message per sending slot: those whose mark was not
    /// written yet are each the last send of a slot.
    private func send(_ batch: LaneScheduler<OutboxEntry>.Batch) async {
        for entry in batch.items {
            switch entry {
            case .reachability(let chatID, let blocked):
                if blocked { blockedChats.insert(chatID) } else { blockedChats.remove(chatID) }
            case .message(let item):
                guard await deliver(item) else {
                    await outbox.finish(batch.lane)
                    return
                }
            }
        }
        await outbox.finish(batch.lane)
    }
}
