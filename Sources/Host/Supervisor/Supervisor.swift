import Foundation
import Logging
import ServiceLifecycle
import Storage
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
/// stopped across reloads, and across host restarts when the supervisor has ``OperatorStops``,
/// until it is started again. A bot whose manifest file has errors lists them in the
/// ``BotTable`` (``BotTable/Entry/manifestErrors``) and in its recent errors (they are logged
/// with its id) for as long as they hold the new version back.
///
/// A bot that does not finish draining within ``stopTimeout`` is abandoned rather than waited
/// for: the supervisor reports it failed and goes on with its other work, so one stuck bot
/// never holds up another bot's start, stop or reload. An abandoned bot cannot be started again
/// until its old run has ended (two runs would share a token and a database).
///
/// - Important: Reload requests that arrive while a reload runs collapse into one more reload.
actor Supervisor: Service {
    /// A bot the supervisor runs.
    private final class RunningBot: Sendable {
        let bot: LoadedBot
        let tenant: Tenant?
        let finished: StopSignal

        init(bot: LoadedBot, tenant: Tenant?, finished: StopSignal) {
            self.bot = bot
            self.tenant = tenant
            self.finished = finished
        }

        var manifest: BotManifest { bot.manifest }
    }

    /// Work asked of the supervisor's loop.
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
    /// Where operator stops are kept across restarts; `nil` keeps them for this run only.
    private let stops: OperatorStops?
    /// Bots stopped by an operator in an earlier run whose manifest has not been seen valid yet.
    private var remembered: Set<String> = []
    /// Runs that did not stop within ``stopTimeout``, by bot id, until they end.
    private var abandoned: [String: StopSignal] = [:]
    /// How long stopping a bot may take before it is abandoned.
    let stopTimeout: Duration
    /// Learns the report of every reload nobody waited for (SIGHUP), for the audit log.
    private let signalledReload: @Sendable (ReloadReport) async -> Void
    /// Learns the report of every scan, the first included, with the time it began (the
    /// outcome `aviary reload` prints).
    private let scanned: @Sendable (ReloadReport, Date) async -> Void

    init(
        options: HostOptions, loader: ManifestLoader, factory: TenantFactory, logger: Logger,
        stopTimeout: Duration = .seconds(30), stops: OperatorStops? = nil,
        signalledReload: @escaping @Sendable (ReloadReport) async -> Void = { _ in },
        scanned: @escaping @Sendable (ReloadReport, Date) async -> Void = { _, _ in }
    ) {
        self.scanned = scanned
        self.stopTimeout = stopTimeout
        self.stops = stops
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
        remembered = await rememberedStops()
        let firstBegan = Date()
        let first = await apply(loader.scan(directory: options.botsDirectory))
        // Readiness learns the launch bots before the reload report is written (a file
        // write, fsynced): a bot may settle, even fail its first call, meanwhile.
        readiness.initialBots(Set(bots.keys), table: table)
        logger.info("\(first)")
        await scanned(first, firstBegan)
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
                reply.resume(returning: await perform(command, id: id))
            }
            guard work.reloadRequested else { continue }
            let began = Date()
            let report = await apply(loader.scan(directory: options.botsDirectory))
            await scanned(report, began)
            for reply in work.reloadReplies { reply.resume(returning: report) }
            if work.reloadReplies.isEmpty { await signalledReload(report) }
            // Logged last: once the line is out, the reload's outcome file and audit record are.
            logger.info("\(report)")
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

    private func perform(_ command: BotCommand, id: String) async
        -> Result<Void, BotCommandError>
    {
        guard let bot = bots[id]?.bot ?? parked[id] else { return .failure(.unknownBot(id)) }
        switch command {
        case .stop:
            if bots[id] != nil { await stopAll([id]) }
            park(bot)
            await remember(stopped: id)
        case .start:
            await forgetStops([id])
            if let running = bots[id], !running.finished.isFired { return .success(()) }
            if bots[id] != nil { await stopAll([id]) }
            parked[id] = nil
            start(bot)
        case .restart:
            await forgetStops([id])
            if bots[id] != nil { await stopAll([id]) }
            parked[id] = nil
            start(bot)
        }
        logger.notice("operator \(command.rawValue) applied", metadata: ["bot": "\(id)"])
        return .success(())
    }

    private func apply(_ scan: ManifestScan) async -> ReloadReport {
        var report = ReloadReport()
        report.errors = scan.errors.map(\.description)
        logErrors(of: scan)
        if scan.errors.contains(where: { $0.file == options.botsDirectory && $0.line == nil }) {
            // The folder itself is unreadable (moved, unmounted, a typo in a deploy): every bot
            // keeps running as it is rather than all of them stopping.
            report.keptLastGood = bots.keys.sorted()
            for id in Set(bots.keys).union(parked.keys) { table.setManifestErrors(id, report.errors) }
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
            if parked[bot.manifest.id] != nil || remembered.remove(bot.manifest.id) != nil {
                park(bot)
            } else {
                toStart.append(bot)
            }
        }
        var forgotten: [String] = []
        for (id, bot) in parked
        where valid[id]?.manifest.enabled != true && !filesWithErrors.contains(bot.manifest.file) {
            parked[id] = nil
            table.remove(id)
            forgotten.append(id)
        }
        // A stop remembered from an earlier run ends with its manifest: removed (known only when
        // no file has errors, since a file with errors may be that bot's) or disabled.
        for id in remembered where scan.errors.isEmpty || valid[id]?.manifest.enabled == false {
            remembered.remove(id)
            forgotten.append(id)
        }
        await forgetStops(forgotten)
        // Shown to brand callers too: named by the file's name, not the host's path to it.
        let errorsByFile = Dictionary(grouping: scan.errors, by: \.file).mapValues { errors in
            errors.map { error in
                var shown = error
                shown.file = (error.file as NSString).lastPathComponent
                return shown.description
            }
        }
        for id in report.unchanged { table.setManifestErrors(id, []) }
        for id in report.keptLastGood {
            table.setManifestErrors(id, bots[id].flatMap { errorsByFile[$0.manifest.file] } ?? [])
        }
        for (id, bot) in parked { table.setManifestErrors(id, errorsByFile[bot.manifest.file] ?? []) }

        // A new bot sharing nothing with a bot that stops starts now, without waiting for
        // the others to drain; one taking over a stopping bot's token or database waits.
        let stopping = (toStop + toRestart.map(\.manifest.id)).compactMap { bots[$0]?.manifest }
        let waiting = toStart.filter { bot in stopping.contains { Self.share(bot.manifest, $0) } }
        for bot in toStart where !stopping.contains(where: { Self.share(bot.manifest, $0) }) {
            start(bot)
        }
        await stopAll(toStop)
        await stopAll(toRestart.map(\.manifest.id))
        for bot in toRestart + waiting {
            start(bot)
        }
        report.stopped = toStop.sorted()
        report.restarted = toRestart.map(\.manifest.id).sorted()
        report.started = toStart.map(\.manifest.id).sorted()
        report.unchanged.sort()
        report.keptLastGood.sort()
        return report
    }

    private func start(_ bot: LoadedBot) {
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
        tenant.launch { [botLogger] error in
            if let error { botLogger.error("\(error)") }
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

    /// Logs every error of `scan`, each with the id of the bot whose file it is in (running,
    /// failed or stopped by an operator), so that it shows among that bot's recent errors.
    private func logErrors(of scan: ManifestScan) {
        var idByFile: [String: String] = [:]
        for (id, running) in bots { idByFile[running.manifest.file] = id }
        for (id, bot) in parked { idByFile[bot.manifest.file] = id }
        for error in scan.errors {
            logger.error("\(error)", metadata: idByFile[error.file].map { ["bot": "\($0)"] })
        }
    }

    /// The bots an operator stopped in earlier runs; none when they cannot be read (logged).
    private func rememberedStops() async -> Set<String> {
        guard let stops else { return [] }
        do {
            return try await stops.ids()
        } catch {
            logger.error("cannot read the bots stopped by an operator; every enabled bot starts: \(error)")
            return []
        }
    }

    /// Keeps bot `id` stopped across host restarts; a failure is logged (it stays stopped for this run).
    private func remember(stopped id: String) async {
        do {
            try await stops?.stopped(id)
        } catch {
            logger.error("cannot keep the stop across restarts: \(error)", metadata: ["bot": "\(id)"])
        }
    }

    /// Ends the stops of `ids` kept across restarts; a failure is logged.
    private func forgetStops(_ ids: [String]) async {
        remembered.subtract(ids)
        do {
            try await stops?.clear(ids)
        } catch {
            logger.error("cannot forget the stops of \(ids.joined(separator: ", ")): \(error)")
        }
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
