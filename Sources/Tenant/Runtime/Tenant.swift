public import CoreMetrics
public import Foundation
public import Logging

/// One bot: its database, its platform connection and its plugin pipeline, isolated from
/// every other bot in the host.
///
/// ``run()`` opens the database, identifies the bot with its platform, then receives updates
/// into the inbox, dispatches them (chats in parallel, one chat strictly in order) and sends the
/// outbox, until ``stop()``. Stopping drains: receiving ends, updates in flight finish, the
/// outbox gets a bounded time to flush, and the database closes. What is left is durable and
/// picked up at the next start.
///
/// - Important: A rejected token, a broken database or a throwing plugin affects this bot only.
public actor Tenant {
    let configuration: TenantConfiguration
    let platform: any PlatformClient
    let source: UpdateSource
    let decoder: any UpdateDecoder
    let plugins: [any Plugin]
    let migrations: [PluginMigrations]
    let databases: OpenDatabases
    let interests: Set<UpdateKind>
    let logger: Logger
    let clock: any TenantClock
    let handlingClock: any TenantClock
    let now: @Sendable () -> Date
    let onStateChange: @Sendable (TenantState) -> Void
    let metrics: TenantMetrics

    let stopSignal = StopSignal()
    let inbox = LaneScheduler<InboxWork>()
    /// Wakes the job timer when an update scheduled a job.
    let jobDoorbell = Doorbell()
    /// Due jobs handed to a lane and not yet settled.
    var jobsInFlight: Set<Int64> = []
    /// When the next job the timer knows of is due; `nil` while it looks or knows of none.
    var jobTimerTarget: Date?
    let outbox = LaneScheduler<OutboxRecord>(isUrgent: { $0.broadcastID == nil })
    let pacer: SendPacer
    /// Chats that blocked the bot; nothing is sent to them until they write again.
    var blockedChats: Set<Int64> = []
    /// Groups that became supergroups: old id → new id.
    var migratedChats: [Int64: Int64] = [:]

    /// Where the bot is in its life.
    public private(set) var state: TenantState = .starting
    private var store: BotStore?
    /// The open database while the bot runs.
    var runningStore: BotStore? { store }
    /// Writes the bot's handled updates, received batches and sent marks in shared
    /// transactions while the bot runs.
    private var commits: GroupCommit?
    private var startedAt: Date?
    private var failure: String?

    /// Creates a bot; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: The bot's settings.
    ///   - platform: Sends actions and identifies the bot.
    ///   - source: How updates arrive: long polling, a webhook, or only through ``ingest(_:)``.
    ///   - decoder: Turns stored updates into the neutral model.
    ///   - plugins: The pipeline, in manifest order.
    ///   - migrations: The plugins' schema steps.
    ///   - databases: The host's bound on open databases; the bot's database opens when work
    ///     arrives and goes back to it when the work is done.
    ///   - logger: A logger carrying the bot's id as `bot` metadata.
    ///   - clock: Used for every wait, so tests can control time.
    ///   - handlingClock: Times ``TenantConfiguration/handlingTimeout``; tests that time a stuck
    ///     plugin out pass a clock of its own, so that moving it touches nothing else.
    ///   - now: The wall clock for stored timestamps.
    ///   - metricsFactory: Makes the bot's counters and timers (``TenantMetricName``).
    ///   - onStateChange: Told of every state change, in order.
    public init(
        configuration: TenantConfiguration, platform: any PlatformClient, source: UpdateSource,
        decoder: any UpdateDecoder, plugins: [any Plugin], migrations: [PluginMigrations],
        databases: OpenDatabases = OpenDatabases(), logger: Logger, clock: any TenantClock = SystemClock(), handlingClock: any TenantClock = SystemClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        onStateChange: @escaping @Sendable (TenantState) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.platform = platform
        self.source = source
        self.decoder = decoder
        self.plugins = plugins
        self.migrations = migrations
        self.databases = databases
        self.interests = plugins.reduce(into: Set<UpdateKind>()) { $0.formUnion($1.interests) }
        self.logger = logger
        self.clock = clock
        self.handlingClock = handlingClock
        self.now = now
        self.onStateChange = onStateChange
        self.metrics = TenantMetrics(botID: configuration.bot.id, factory: metricsFactory)
        self.pacer = SendPacer(limits: configuration.limits)
    }

    /// Runs the bot until ``stop()`` or a failure it cannot recover from.
    ///
    /// - Throws: ``TenantError`` when the bot failed (rejected token, unusable database).
    public func run() async throws {
        try await withTaskCancellationHandler {
            try await runUntilStopped()
        } onCancel: {
            stopSignal.fire()
        }
    }

    /// Asks the bot to drain and stop; ``run()`` returns once it has.
    public nonisolated func stop() {
        stopSignal.fire()
    }

    /// The bot's counters and queue depths.
    public func status() async throws -> BotStatus {
        guard let store, let startedAt else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running")
        }
        return BotStatus(startedAt: startedAt, store: try await store.status())
    }

    /// Updates and messages held in memory, waiting or in progress: cheap enough for every
    /// metrics scrape. Zero when the bot is not running.
    public func queueDepths() async -> (inbox: Int, outbox: Int) {
        guard state == .running || state == .stopping else { return (0, 0) }
        return (await inbox.depth, await outbox.depth)
    }

    /// Stores pushed updates (webhook, sandbox) in the inbox and dispatches the new ones.
    ///
    /// Returns once they are durable, so the caller may acknowledge them.
    public func ingest(_ updates: [ReceivedUpdate]) async throws {
        guard state == .running, let commits else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running; updates not accepted")
        }
        let inserted = try await commits.ingest(updates.map(Self.inboxRecord(at: now())), nextOffset: nil)
        metrics.received(kinds: inserted.map(\.kind))
        await inbox.submit(inserted.map(InboxWork.update), lane: \.lane)
    }

    private func runUntilStopped() async throws {
        transition(to: .starting)
        let store = BotStore(path: configuration.databasePath, plugins: migrations, databases: databases)
        let startup: BotStore.StartupState
        do {
            // Read in a task of its own, like the rest of the start: a task keeps the memory of
            // its deepest call until it ends, and this one then waits as long as the bot runs.
            startup = try await Task.detached { try await store.startupState() }.valueCancellingWithCaller()
        } catch {
            await store.close()
            throw fail("cannot open its database: \(error)")
        }
        self.store = store
        let commits = GroupCommit(store: store)
        self.commits = commits
        do {
            try await run(opened: store, commits: commits, startup: startup)
        } catch {
            await close(store)
            throw error
        }
        await close(store)
    }

    /// Identifies the bot, prepares its source and queues the work left from its last run.
    ///
    /// - Returns: The bot's update processor, or `nil` when the bot was stopped while waiting.
    /// - Throws: ``TenantError`` when the platform rejects the bot or its webhook cannot be set.
    private func start(
        store: BotStore, commits: GroupCommit, startup: BotStore.StartupState
    ) async throws -> UpdateProcessor? {
        let identity: BotIdentity
        do {
            guard let identified = try await identify(),
                try await prepareSource(store: store, registeredWebhook: startup.registeredWebhook)
            else {
                transition(to: .stopped)
                logger.info("bot stopped before the platform answered")
                return nil
            }
            identity = identified
        } catch let error as TenantError {
            throw fail(error.reason)
        }

        startedAt = now()
        let processor = UpdateProcessor(
            bot: configuration.bot, identity: identity, plugins: plugins, store: store, decoder: decoder,
            logger: logger, now: now, metrics: metrics, statusProvider: { [weak self] in
                guard let self else { throw CancellationError() }
                return try await self.status()
            }, handlingTimeout: configuration.handlingTimeout, handlingClock: handlingClock,
            maxAttempts: configuration.maxAttempts, writer: commits)
        blockedChats = startup.blockedChatIDs
        await inbox.submit(startup.pendingInbox.map(InboxWork.update), lane: \.lane)
        await outbox.submit(startup.pendingOutbox, lane: \.chatID)
        transition(to: .running)
        logger.info("bot started", metadata: ["username": "\(identity.username ?? "-")"])
        return processor
    }

    private func close(_ store: BotStore) async {
        self.store = nil
        self.commits = nil
        await store.close()
    }

    /// Identifies the bot, prepares its source and runs it until it stops.
    private func run(opened store: BotStore, commits: GroupCommit, startup: BotStore.StartupState) async throws {
        // Started in a task of its own, and no handle to it kept: the platform calls and their
        // retries go deep, a task keeps that memory until it is freed, and this task waits as
        // long as the bot runs (see ``runUntilStopped()``).
        guard
            let processor = try await Task.detached(operation: {
                try await self.start(store: store, commits: commits, startup: startup)
            }).valueCancellingWithCaller()
        else { return }

        let sending = Task.detached {
            await self.outbox.runWorkers(upTo: self.configuration.limits.concurrentSends) { batch in
                await self.send(batch, store: store, commits: commits)
            }
        }
        await receiveAndDispatch(store: store, commits: commits, processor: processor, startup: startup)
        transition(to: .stopping)
        await flushOutbox()
        sending.cancel()
        await sending.valueCancellingWithCaller()
        await flushSentMarks(commits)

        if let failure {
            throw fail(failure)
        }
        transition(to: .stopped)
        logger.info("bot stopped")
    }

    /// Receives (long poll, job timer) and dispatches until the bot stops; returns once the
    /// updates in flight are handled.
    ///
    /// A running bot's loops (long poll, job timer, inbox and outbox workers) are tasks of their
    /// own that this task waits for, and receiving ends by cancellation when the bot stops. Task
    /// groups and tasks that only watched the stop signal kept about 2 kB each per bot, idle or
    /// not (BENCHMARKS.md, "Where an idle bot's memory goes"); cancelling this task still
    /// cancels them all.
    private func receiveAndDispatch(
        store: BotStore, commits: GroupCommit, processor: UpdateProcessor, startup: BotStore.StartupState
    ) async {
        let dispatching = Task.detached {
            await self.inbox.runWorkers(upTo: self.configuration.maxConcurrentChats) { batch in
                await self.dispatch(batch, processor: processor)
            }
        }
        var receiving = [Task.detached { await self.runJobs(store: store, earliestAtStart: startup.earliestJobDue) }]
        if case .polling(let poller, _) = source {
            receiving.append(Task.detached { await self.pollLoop(poller, commits: commits, from: startup.pollOffset) })
        }
        await stopSignal.wait()
        for receiver in receiving { receiver.cancel() }
        for receiver in receiving { await receiver.valueCancellingWithCaller() }
        await inbox.close()
        await dispatching.valueCancellingWithCaller()
    }

    /// Gives the outbox the flush timeout to empty, then closes it; not inlined, so that its
    /// task group is not part of the frame the bot's task keeps while it runs.
    @inline(never)
    private func flushOutbox() async {
        let timeout = configuration.flushTimeout
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.outbox.waitUntilIdle() }
            group.addTask { try? await self.clock.sleep(for: timeout) }
            await group.next()
            await outbox.close()
            group.cancelAll()
        }
    }

    /// Writes the "sent" marks still waiting for a commit, once sending has ended.
    @inline(never)
    private func flushSentMarks(_ commits: GroupCommit) async {
        do {
            try await commits.flushSentMarks()
        } catch {
            logger.error("cannot record the last sent messages; the next start sends them again: \(error)")
        }
    }

    /// Records a fatal error; the caller throws the result.
    func fail(_ reason: String) -> TenantError {
        logger.error("bot failed: \(reason)")
        transition(to: .failed(reason))
        return TenantError(botID: configuration.bot.id, reason: reason)
    }

    /// Ends the bot after a fatal error found while running (a token revoked mid-run).
    func failWhileRunning(_ reason: String) {
        failure = failure ?? reason
        stopSignal.fire()
    }

    /// Keeps the blocked set in step with what an update showed: a person wrote (unblocked)
    /// or blocked the bot.
    func noteBlocking(chatID: Int64, blocked: Bool) {
        if blocked {
            blockedChats.insert(chatID)
        } else {
            blockedChats.remove(chatID)
        }
    }

    private func transition(to newState: TenantState) {
        guard state != newState else { return }
        state = newState
        onStateChange(newState)
    }

    static func inboxRecord(at date: Date) -> @Sendable (ReceivedUpdate) -> InboxRecord {
        { InboxRecord(updateID: $0.id, lane: $0.lane, kind: $0.kind, payload: $0.raw, receivedAt: date) }
    }
}

extension Task where Failure == Never {
    /// Waits for the task's result, cancelling it if the waiting task is cancelled meanwhile,
    /// as a child task would be.
    func valueCancellingWithCaller() async -> Success {
        await withTaskCancellationHandler {
            await value
        } onCancel: {
            cancel()
        }
    }
}

extension Task where Failure == any Error {
    /// Waits for the task's result, cancelling it if the waiting task is cancelled meanwhile,
    /// as a child task would be.
    func valueCancellingWithCaller() async throws -> Success {
        try await withTaskCancellationHandler {
            try await value
        } onCancel: {
            cancel()
        }
    }
}
