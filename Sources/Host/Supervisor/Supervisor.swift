import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Tenant

/// Runs every enabled bot of `bots.d` as its own Tenant and applies manifest changes on reload.
///
/// A reload rescans the folder, validates everything, then applies the difference: new bots
/// start, removed or disabled bots drain and stop, changed bots restart (the new Tenant starts
/// only after the old one drained, so two pollers never share a token), unchanged bots are not
/// touched, and a bot whose manifest became invalid keeps its last good version running.
///
/// - Important: Reload requests that arrive while a reload runs collapse into one more reload.
actor Supervisor: Service {
    /// A bot the supervisor runs.
    struct RunningBot: Sendable {
        var manifest: BotManifest
        var tenant: Tenant
        var finished: StopSignal
    }

    private let options: HostOptions
    private let loader: ManifestLoader
    private let factory: TenantFactory
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeupContinuation: AsyncStream<Void>.Continuation
    private let pendingReplies = Mutex<[CheckedContinuation<ReloadReport, Never>]>([])
    /// The last known state of every bot.
    nonisolated let states = BotStateBoard()

    private var bots: [String: RunningBot] = [:]

    init(options: HostOptions, loader: ManifestLoader, factory: TenantFactory, logger: Logger) {
        self.options = options
        self.loader = loader
        self.factory = factory
        self.logger = logger
        (wakeups, wakeupContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a reload without waiting for it (SIGHUP).
    nonisolated func requestReload() {
        wakeupContinuation.yield()
    }

    /// Asks for a reload and waits for its report.
    func reload() async -> ReloadReport {
        await withCheckedContinuation { continuation in
            pendingReplies.withLock { $0.append(continuation) }
            wakeupContinuation.yield()
        }
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            let first = await apply(loader.scan(directory: options.botsDirectory), in: &group)
            logger.info("\(first)")
            for await _ in wakeups.cancelOnGracefulShutdown() {
                let replies = pendingReplies.withLock { replies in
                    defer { replies.removeAll() }
                    return replies
                }
                let report = await apply(loader.scan(directory: options.botsDirectory), in: &group)
                logger.info("\(report)")
                for reply in replies { reply.resume(returning: report) }
            }
            logger.info("shutting down: draining \(bots.count) bot(s)")
            await stopAll(Array(bots.keys))
        }
        let replies = pendingReplies.withLock { replies in
            defer { replies.removeAll() }
            return replies
        }
        for reply in replies { reply.resume(returning: ReloadReport(errors: ["the host is shutting down"])) }
    }

    private func apply(_ scan: ManifestScan, in group: inout DiscardingTaskGroup) async -> ReloadReport {
        var report = ReloadReport()
        report.errors = scan.errors.map(\.description)
        for error in scan.errors {
            logger.error("\(error)")
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
            toStart.append(bot)
        }

        await stopAll(toStop)
        await stopAll(toRestart.map(\.manifest.id))
        for bot in toRestart + toStart {
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
        botLogger[metadataKey: "bot.id"] = "\(id)"
        let states = self.states
        let tenant = factory.makeTenant(for: bot, logger: botLogger) { state in
            states.set(id, to: state)
        }
        let finished = StopSignal()
        bots[id] = RunningBot(manifest: bot.manifest, tenant: tenant, finished: finished)
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

    private func stopAll(_ ids: [String]) async {
        let stopping = ids.compactMap { bots.removeValue(forKey: $0) }
        for bot in stopping {
            bot.tenant.stop()
        }
        for bot in stopping {
            await bot.finished.wait()
            states.remove(bot.manifest.id)
        }
    }
}
