public import CoreMetrics
public import Foundation
public import Logging
import Synchronization
public import Storage

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
    /// Where the host keeps the bots' webhook registrations; `nil` keeps this bot's in its own
    /// database.
    let webhookRegistrations: WebhookRegistrations?
    /// Bounds how many of the host's bots start at once; `nil` does not.
    let startGate: StartGate?
    let interests: Set<UpdateKind>
    let logger: Logger
    let clock: any TenantClock
    let handlingClock: any TenantClock
    let now: @Sendable () -> Date
    let onStateChange: @Sendable (TenantState) -> Void
    let onEvent: @Sendable (TenantEvent) -> Void
    let metrics: TenantMetrics

    let stopSignal = StopSignal()
    /// Stored updates and due jobs on their way from the receiver to the dispatcher.
    let inbox = LaneScheduler<InboxWork>()
    /// Committed messages (and chats' reachability) on their way from the dispatcher to the
    /// sender; interactive replies go before broadcast traffic.
    let outbox = LaneScheduler<OutboxEntry>(isUrgent: \.isUrgent)

    /// Where the bot is in its life.
    public private(set) var state: TenantState = .starting
    /// The open database and the three services while the bot runs.
    private var running: Running?
    /// The open database while the bot runs.
    var runningStore: BotStore? { running?.store }
    private var startedAt: Date?
    /// Why the bot failed while running (its token was revoked), once it did.
    private let failure = Mutex<String?>(nil)
    /// Whether ``launch(onFinish:)`` was called.
    private let launched = Mutex(false)

    /// What a running bot is made of.
    private struct Running {
        let store: BotStore
        let commits: GroupCommit
        let receiver: Receiver
        let dispatcher: Dispatcher
        let sender: Sender
    }

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
    ///   - webhookRegistrations: Where the host keeps the bots' webhook registrations, so that
    ///     starting a webhook bot creates no database; `nil` keeps this bot's in its own file.
    ///   - startGate: Bounds how many of the host's bots start (open their database, identify
    ///     themselves, set their webhook) at once; `nil` does not.
    ///   - logger: A logger carrying the bot's id as `bot` metadata.
    ///   - clock: Used for every wait, so tests can control time.
    ///   - handlingClock: Times ``TenantConfiguration/handlingTimeout``; tests that time a stuck
    ///     plugin out pass a clock of its own, so that moving it touches nothing else.
    ///   - now: The wall clock for stored timestamps.
    ///   - metricsFactory: Makes the bot's counters and timers (``TenantMetricName``).
    ///   - onStateChange: Told of every state change, in order.
    ///   - onEvent: Told of what the host keeps a record of (a person forgotten), once it is
    ///     committed.
    public init(
        configuration: TenantConfiguration, platform: any PlatformClient, source: UpdateSource,
        decoder: any UpdateDecoder, plugins: [any Plugin], migrations: [PluginMigrations],
        databases: OpenDatabases = OpenDatabases(), webhookRegistrations: WebhookRegistrations? = nil,
        startGate: StartGate? = nil, logger: Logger, clock: any TenantClock = SystemClock(),
        handlingClock: any TenantClock = SystemClock(), now: @escaping @Sendable () -> Date = { Date() },
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        onStateChange: @escaping @Sendable (TenantState) -> Void = { _ in },
        onEvent: @escaping @Sendable (TenantEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.platform = platform
        self.source = source
        self.decoder = decoder
        self.plugins = plugins
        self.migrations = migrations
        self.databases = databases
        self.webhookRegistrations = webhookRegistrations
        self.startGate = startGate
        self.interests = plugins.reduce(into: Set<UpdateKind>()) { $0.formUnion($1.interests) }
        self.logger = logger
        self.clock = clock
        self.handlingClock = handlingClock
        self.now = now
        self.onStateChange = onStateChange
        self.onEvent = onEvent
        self.metrics = TenantMetrics(botID: configuration.bot.id, factory: metricsFactory)
    }

    /// Runs the bot until ``stop()`` or a failure it cannot recover from.
    ///
    /// The task calling it waits while the bot runs; a host of many bots calls
    /// ``launch(onFinish:)`` instead, which holds no task while the bot waits for work.
    ///
    /// - Throws: ``TenantError`` when the bot failed (rejected token, unusable database).
    public func run() async throws {
        let outcome = RunOutcome()
        await withTaskCancellationHandler {
            launch { outcome.finish($0) }
            await outcome.wait()
        } onCancel: {
            stopSignal.fire()
        }
        if let error = outcome.error { throw error }
    }

    /// Starts the bot and returns at once; `onFinish` learns how its run ended (`nil` after a
    /// stop, the error after a failure), once it has drained and closed its database.
    ///
    /// No task waits while the bot runs: the start runs in a task that ends once the bot
    /// receives (with a ``StartGate``, once the gate gives it a place), and ``stop()`` starts
    /// the drain. A bot costs its objects and the tasks of the
    /// work in hand (a polling bot's long poll, a due job's timer, messages being sent).
    /// A bot runs once: calling it again, or after ``run()``, leaves the first run alone and
    /// tells the new `onFinish` at once that it was refused.
    public nonisolated func launch(onFinish: @escaping @Sendable (TenantError?) -> Void) {
        guard launched.withLock({ launched in defer { launched = true }; return !launched }) else {
            let reason = "the bot was launched already; make a new Tenant to run it again"
            return onFinish(TenantError(botID: configuration.bot.id, reason: reason))
        }
        let startUp: @Sendable (StartPlace?) async -> Void = { place in
            guard !self.stopSignal.isFired else {
                await self.stoppedBeforeStarting()
                return onFinish(nil)
            }
            let running: Running
            do {
                guard let started = try await self.startRunning(place: place) else { return onFinish(nil) }
                running = started
            } catch {
                return onFinish(error as? TenantError)
            }
            place?.release()
            self.stopSignal.onFire {
                Task.detached { onFinish(await self.drain(running)) }
            }
        }
        if let startGate {
            startGate.enqueue { await startUp($0) }
        } else {
            Task.detached { await startUp(nil) }
        }
    }

    /// Asks the bot to drain and stop; ``run()`` returns once it has.
    public nonisolated func stop() {
        stopSignal.fire()
    }

    /// The bot's counters and queue depths.
    public func status() async throws -> BotStatus {
        guard let store = runningStore, let startedAt else {
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
        guard state == .running, let receiver = running?.receiver else {
            throw TenantError(botID: configuration.bot.id, reason: "the bot is not running; updates not accepted")
        }
        try await receiver.ingest(updates)
    }

    /// Opens the database, identifies the bot and starts its services.
    ///
    /// - Returns: The running bot, or `nil` when it was stopped before the platform answered
    ///   (its database is closed again).
    /// - Throws: ``TenantError`` when the bot failed to start (its database is closed).
    private func startRunning(place: StartPlace?) async throws -> Running? {
        transition(to: .starting)
        let store = BotStore(path: configuration.databasePath, plugins: migrations, databases: databases)
        let startup: BotStore.StartupState
        do {
            startup = try await store.startupState()
        } catch {
            await store.close()
            throw fail("cannot open its database: \(error)")
        }
        let running = makeRunning(store: store)
        self.running = running
        let processor: UpdateProcessor?
        do {
            processor = try await start(running, startup: startup, place: place)
        } catch {
            await close(running)
            throw error
        }
        guard let processor else {
            await close(running)
            return nil
        }
        await running.sender.start(blockedChats: startup.blockedChatIDs)
        await running.dispatcher.start(processor: processor, earliestJob: startup.earliestJobDue)
        running.receiver.start(from: startup.pollOffset)
        transition(to: .running)
        return running
    }

    /// The bot's receiver, dispatcher and sender over its open database, joined by the inbox
    /// and the outbox.
    private func makeRunning(store: BotStore) -> Running {
        let commits = GroupCommit(store: store)
        let botID = configuration.bot.id
        return Running(
            store: store, commits: commits,
            receiver: Receiver(
                botID: botID, source: source, inbox: inbox, store: store, commits: commits,
                webhookRegistrations: webhookRegistrations,
                pollTimeout: configuration.pollTimeout, backoff: configuration.backoff, interests: interests,
                metrics: metrics, logger: logger, clock: clock, now: now,
                onRevoked: { [weak self] reason in self?.failWhileRunning(reason) }),
            dispatcher: Dispatcher(
                inbox: inbox, outbox: outbox, store: store, maxConcurrentChats: configuration.maxConcurrentChats,
                backoff: configuration.backoff, logger: logger, clock: clock, now: now),
            sender: Sender(
                outbox: outbox, platform: platform, store: store, commits: commits, limits: configuration.limits,
                backoff: configuration.backoff, flushTimeout: configuration.flushTimeout, metrics: metrics,
                logger: logger, clock: clock, now: now))
    }

    /// Identifies the bot, prepares its source and queues the work left from its last run (its
    /// services serve it once started).
    ///
    /// - Returns: The bot's update processor, or `nil` when the bot was stopped while waiting.
    /// - Throws: ``TenantError`` when the platform rejects the bot or its webhook cannot be set.
    private func start(
        _ running: Running, startup: BotStore.StartupState, place: StartPlace?
    ) async throws -> UpdateProcessor? {
        let retry = PlatformRetry(
            botID: configuration.bot.id, backoff: configuration.backoff, clock: clock, logger: logger,
            stopSignal: stopSignal, place: place)
        let identity: BotIdentity
        do {
            let platform = self.platform
            guard let identified = try await retry.run("cannot reach the platform", { try await platform.identify() }),
                try await running.receiver.prepare(registeredWebhook: startup.registeredWebhook, retry: retry)
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
            bot: configuration.bot, identity: identity, plugins: plugins, store: running.store, decoder: decoder,
            logger: logger, now: now, metrics: metrics, statusProvider: { [weak self] in
                guard let self else { throw CancellationError() }
                return try await self.status()
            }, handlingTimeout: configuration.handlingTimeout, handlingClock: handlingClock,
            maxAttempts: configuration.maxAttempts, writer: running.commits, onEvent: onEvent)
        await inbox.submit(startup.pendingInbox.map { InboxWork.update($0, nil) }, lane: \.lane)
        await outbox.submit(OutboxEntry.messages(startup.pendingOutbox), lane: \.chatID)
        logger.info("bot started", metadata: ["username": "\(identity.username ?? "-")"])
        return processor
    }

    private func close(_ running: Running) async {
        self.running = nil
        await running.store.close()
    }

    /// Stops the services in the opposite order of their start (receiving ends, the updates in
    /// hand finish, the outbox gets the flush timeout) and closes the database.
    ///
    /// - Returns: Why the bot failed while running, if it did.
    private func drain(_ running: Running) async -> TenantError? {
        running.dispatcher.beginDraining()
        await running.receiver.shutdown()
        await running.dispatcher.shutdown()
        transition(to: .stopping)
        await running.sender.shutdown()

        var error: TenantError?
        if let failure = failure.withLock({ $0 }) {
            error = fail(failure)
        } else {
            transition(to: .stopped)
            logger.info("bot stopped")
        }
        await close(running)
        return error
    }

    /// Ends a bot stopped while its start-up waited for its turn: nothing was opened.
    private func stoppedBeforeStarting() {
        transition(to: .stopped)
        logger.info("bot stopped before it started")
    }

    /// Records a fatal error; the caller throws the result.
    func fail(_ reason: String) -> TenantError {
        logger.error("bot failed: \(reason)")
        transition(to: .failed(reason))
        return TenantError(botID: configuration.bot.id, reason: reason)
    }

    /// Ends the bot after a fatal error found while running (a token revoked mid-run).
    nonisolated func failWhileRunning(_ reason: String) {
        failure.withLock { $0 = $0 ?? reason }
        stopSignal.fire()
    }

    private func transition(to newState: TenantState) {
        guard state != newState else { return }
        state = newState
        onStateChange(newState)
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
