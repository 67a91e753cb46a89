import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Tenant
import Storage

/// Runs every enabled bot of `bots.d` as its own Tenant and applies manifest changes on reload.
///
/// A reload rescans the folder (validating only the files that changed), then applies the
/// difference: new bots start, removed or disabled bots drain and stop, changed bots restart
/// (the new Tenant starts only after the old one drained, so two pollers never share a token),
/// unchanged bots are not touched, and a bot whose manifest became invalid keeps its last good
/// version running. A new bot starts at once unless it takes over the token or the database of
/// a bot that stops; then it too waits for that bot to drain.
/// Operators may also start, stop and restart single bots; a bot an operator stopped stays
/// stopped across reloads until it is started again.
///
/// A bot that does not finish draining within ``stopTimeout`` is abandoned rather than waited
/// for: the supervisor reports it failed and goes on with its other work, so one stuck bot
/// never holds up another bot's start, stop or reload. An abandoned bot cannot be started again
/// until its old run has ended (two runs would share a token and a database).
///
/// - Important: Reload requests that arrive while a reload runs collapse into one more reload.
actor Supervisor: Service {
    /// A bot the supervisor runs.
    private struct RunningBot: Sendable {
        var bot: LoadedBot
        var tenant: Tenant?
        var finished: StopSignal

        var manifest: BotManifest { bot.manifest }
    }

    /// Work asked of the supervisor's loop, which owns the task group bots run in.
    private struct Pending {
        var reloadReplies: [CheckedContinuation<ReloadReport, Never>] = []
        var reloadRequested = false
        var commands: [(BotCommand, String, CheckedContinuation<Result<Void, BotCommandError>, Never>)] = []
        var closed = false
    }

    /// Where the host keeps its data and finds its manifests.
    let options: HostOptions
    private let loader: ManifestLoader
    private let factory: TenantFactory
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeupContinuation: AsyncStream<Void>.Continuation
    private let pending = Mutex(Pending())
    /// Every bot with its manifest, Tenant and state, for the HTTP surface and readiness.
    nonisolated let table = BotTable()
    /// Whether the host is ready for traffic (`/readyz`).
    nonisolated let readiness = Readiness()
    /// The sandboxes of sandbox bots.
    nonisolated var sandboxes: SandboxRegistry { factory.sandboxes }
    /// The host's bound on open bot databases.
    nonisolated var databases: OpenDatabases { factory.databases }
    /// Each bot's last scheduled backup.
    nonisolated let backups = BackupStatusBoard()

    private var bots: [String: RunningBot] = [:]
    /// Valid manifests of bots an operator stopped.
    private var parked: [String: LoadedBot] = [:]
    /// Runs that did not stop within ``stopTimeout``, by bot id, until they end.
    private var abandoned: [String: StopSignal] = [:]
    /// How long stopping a bot may take before it is abandoned.
    let stopTimeout: Duration
    /// Learns the report of every reload nobody waited for (SIGHUP), for the audit log.
    private let signalledReload: @Sendable (ReloadReport) async -> Void

    init(
        options: HostOptions, loader: ManifestLoader, factory: TenantFactory, logger: Logger,
        stopTimeout: Duration = .seconds(30),
        signalledReload: @escaping @Sendable (ReloadReport) async -> Void = { _ in }
    ) {
        self.stopTimeout = stopTimeout
        self.signalledReload = signalledReload
        self.options = options
        self.loader = loader
        self.factory = factory
        self.logger = logger
        (wakeups, wakeupContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a reload without waiting for it (SIGHUP).
    nonisolated func requestReload() {
        pending.withLock { $0.reloadRequested = true }
        wakeupContinuation.yield()
    }

    /// Asks for a reload and waits for its report.
    nonisolated func reload() async -> ReloadReport {
        await withCheckedContinuation { continuation in
            let closed = pending.withLock { pending in
                guard !pending.closed else { return true }
                pending.reloadReplies.append(continuation)
                pending.reloadRequested = true
                return false
            }
            if closed { continuation.resume(returning: ReloadReport(errors: ["the host is shutting down"])) }
            wakeupContinuation.yield()
        }
    }

    /// Starts, stops or restarts one bot and waits until that is done (a stop has drained).
    nonisolated func perform(_ command: BotCommand, on id: String) async throws(BotCommandError) {
        let result = await withCheckedContinuation { continuation in
            let closed = pending.withLock { pending in
                guard !pending.closed else { return true }
                pending.commands.append((command, id, continuation))
                return false
            }
            if closed { continuation.resume(returning: .failure(.shuttingDown)) }
            wakeupContinuation.yield()
        }
        try result.get()
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            let first = await apply(loader.scan(directory: options.botsDirectory), in: &group)
            logger.info("\(first)")
            readiness.initialBots(Set(bots.keys), table: table)
            for await _ in wakeups.cancelOnGracefulShutdown() {
                let work = pending.withLock { pending in
                    defer {
                        pending.reloadReplies.removeAll()
                        pending.commands.removeAll()
                        pending.reloadRequested = false
                    }
                    return pending
                }
                for (command, id, reply) in work.commands {
                    reply.resume(returning: await perform(command, id: id, in: &group))
                }
                guard work.reloadRequested else { continue }
                let report = await apply(loader.scan(directory: options.botsDirectory), in: &group)
                logger.info("\(report)")
                for reply in work.reloadReplies { reply.resume(returning: report) }
                if work.reloadReplies.isEmpty { await signalledReload(report) }
            }
            readiness.shutDown()
            let work = pending.withLock { pending in
                pending.closed = true
                return pending
            }
            for reply in work.reloadReplies { reply.resume(returning: ReloadReport(errors: ["the host is shutting down"])) }
            for (_, _, reply) in work.commands { reply.resume(returning: .failure(.shuttingDown)) }
            logger.info("shutting down: draining \(bots.count) bot(s)")
            await stopAll(Array(bots.keys))
        }
    }

    private func perform(_ command: BotCommand, id: String, in group: inout DiscardingTaskGroup) async
        -> Result<Void, BotCommandError>
    {
        guard let bot = bots[id]?.bot ?? parked[id] else { return .failure(.unknownBot(id)) }
        switch command {
        case .stop:
            if bots[id] != nil { await stopAll([id]) }
            park(bot)
        case .start:
            if let running = bots[id], !running.finished.isFired { return .success(()) }
            if bots[id] != nil { await stopAll([id]) }
            parked[id] = nil
            start(bot, in: &group)
        case .restart:
            if bots[id] != nil { await stopAll([id]) }
            parked[id] = nil
            start(bot, in: &group)
        }
        logger.notice("operator \(command.rawValue) applied", metadata: ["bot": "\(id)"])
        return .success(())
    }

    private func apply(_ scan: ManifestScan, in group: inout DiscardingTaskGroup) async -> ReloadReport {
        var report = ReloadReport()
        report.errors = scan.errors.map(\.description)
        for error in scan.errors {
            logger.error("\(error)")
        }
        if scan.errors.contains(where: { $0.file == options.botsDirectory && $0.line == nil }) {
            // The folder itself is unreadable (moved, unmounted, a typo in a deploy): every bot
            // keeps running as it is rather than all of them stopping.
            report.keptLastGood = bots.keys.sorted()
            return report
        }
        let valid = Dictionary(scan.bots.map { ($0.manifest.id, $0) }, uniquingKeysWith: { first, _ in first })
        let filesWithErrors = Set(scan.errors.map(\.file))

        var toStop: [String] = []
        var toStart: [LoadedBot] = []
        var toRestart: [LoadedBot] = []
        for (id, running) in bots {
            if let bot = valid[id] {
                if !bot.manifest.enabled {
                    toStop.append(id)
                } else if bot.manifest != running.manifest {
                    toRestart.append(bot)
                    report.changes[id] = ManifestDiff.changes(from: running.manifest, to: bot.manifest)
                } else {
                    report.unchanged.append(id)
                }
            } else if filesWithErrors.contains(running.manifest.file) {
                report.keptLastGood.append(id)
            } else {
                toStop.append(id)
            }
        }
        for bot in scan.bots where bot.manifest.enabled && bots[bot.manifest.id] == nil {
            if parked[bot.manifest.id] != nil {
                park(bot)
            } else {
                toStart.append(bot)
            }
        }
        for (id, bot) in parked
        where valid[id]?.manifest.enabled != true && !filesWithErrors.contains(bot.manifest.file) {
            parked[id] = nil
            table.remove(id)
        }

        // A new bot sharing nothing with a bot that stops starts now, without waiting for
        // the others to drain; one taking over a stopping bot's token or database waits.
        let stopping = (toStop + toRestart.map(\.manifest.id)).compactMap { bots[$0]?.manifest }
        let waiting = toStart.filter { bot in stopping.contains { Self.share(bot.manifest, $0) } }
        for bot in toStart where !stopping.contains(where: { Self.share(bot.manifest, $0) }) {
            start(bot, in: &group)
        }
        await stopAll(toStop)
        await stopAll(toRestart.map(\.manifest.id))
        for bot in toRestart + waiting {
            start(bot, in: &group)
        }
        report.stopped = toStop.sorted()
        report.restarted = toRestart.map(\.manifest.id).sorted()
        report.started = toStart.map(\.manifest.id).sorted()
        report.unchanged.sort()
        report.keptLastGood.sort()
        return report
    }

    private func start(_ bot: LoadedBot, in group: inout DiscardingTaskGroup) {
        let id = bot.manifest.id
        var botLogger = logger
        botLogger[metadataKey: "bot"] = "\(id)"
        let table = self.table
        let readiness = self.readiness
        if let previous = abandoned[id], !previous.isFired {
            let reason = "its previous run did not stop within \(stopTimeout.secondsText) and is still running; "
                + "restart the host to run this bot again"
            botLogger.error("bot not started: \(reason)")
            recordFailedStart(bot, reason: reason)
            return
        }
        abandoned[id] = nil
        let run = table.newRun()
        let tenant: Tenant
        do {
            tenant = try factory.makeTenant(for: bot, logger: botLogger) { state in
                table.setState(id, to: state, run: run)
                readiness.refresh()
            }
        } catch {
            botLogger.error("bot failed: \(error)")
            recordFailedStart(bot, reason: (error as? TenantError)?.reason ?? "\(error)")
            return
        }
        let finished = StopSignal()
        bots[id] = RunningBot(bot: bot, tenant: tenant, finished: finished)
        table.set(.init(manifest: bot.manifest, tenant: tenant, startedAt: Date(), state: .starting, run: run))
        group.addTask {
            do {
                try await tenant.run()
            } catch {
                botLogger.error("\(error)")
            }
            // A failed bot stays listed (its state says why) until a reload replaces or removes it.
            finished.fire()
        }
    }

    /// Lists a bot that could not start, failed with `reason`, with no run to wait for.
    private func recordFailedStart(_ bot: LoadedBot, reason: String) {
        let finished = StopSignal()
        finished.fire()
        bots[bot.manifest.id] = RunningBot(bot: bot, tenant: nil, finished: finished)
        table.set(.init(manifest: bot.manifest, state: .failed(reason)))
    }

    /// Whether two bots would use one token or one database file (compared as the scan does).
    private static func share(_ one: BotManifest, _ other: BotManifest) -> Bool {
        (one.token != nil && one.token == other.token)
            || one.databaseFile.lowercased() == other.databaseFile.lowercased()
    }

    /// Keeps a bot's manifest, stopped, until an operator starts it.
    private func park(_ bot: LoadedBot) {
        parked[bot.manifest.id] = bot
        table.set(.init(manifest: bot.manifest, stoppedByOperator: true, state: .stopped))
    }

    /// Stops bots and waits for them to drain, together, for at most ``stopTimeout``; a bot
    /// still running then is abandoned (logged, and kept from starting again until it ends).
    private func stopAll(_ ids: [String]) async {
        let stopping = ids.compactMap { bots.removeValue(forKey: $0) }
        for bot in stopping {
            bot.tenant?.stop()
        }
        let deadline = ContinuousClock.now + stopTimeout
        for bot in stopping {
            let id = bot.manifest.id
            if await !bot.finished.wait(until: deadline) {
                logger.error(
                    """
                    bot did not stop within \(stopTimeout.secondsText); abandoned: its run goes on until it ends, \
                    and the bot cannot start again before that (restart the host if it never does)
                    """,
                    metadata: ["bot": "\(id)"])
                abandoned[id] = bot.finished
            }
            table.remove(id)
        }
    }
}
