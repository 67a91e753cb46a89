import Foundation
import Synchronization
import Tenant

/// Whether the host is ready for traffic: the one decision behind `/readyz` and behind telling
/// a service manager that the host is up (``ready()``).
///
/// The host becomes ready once every bot enabled at start has settled: it runs, it stopped, it
/// failed for good, or it is retrying (still starting, but it has logged a warning or an error
/// since its run began: no network, a platform that does not answer). A retrying bot counts as
/// settled but failing, so a machine without network still turns ready; ``report`` names each
/// bot's status. Once ready the host stays ready (reloads that restart a bot do not take it out
/// of service) until shutdown begins.
final class Readiness: Sendable {
    /// One bot's part in the decision.
    struct Bot: Sendable, Equatable {
        /// The bot's id.
        var id: String
        /// `running`, `retrying`, `failed`, `stopped`, `starting` or `stopping`.
        var status: String
        /// Why it fails or retries, when it does (its latest warning or error).
        var detail: String?
    }

    /// The decision and what it rests on.
    struct Report: Sendable, Equatable {
        /// Whether the host is ready.
        var isReady: Bool
        /// Every bot the host knows, by id.
        var bots: [Bot]
        /// Whether shutdown has begun.
        var shuttingDown = false

        /// `/readyz`'s body: `ready` or `not ready`, then one line per bot.
        var text: String {
            var lines = [isReady ? "ready" : "not ready"]
            if shuttingDown { lines.append("shutting down") }
            lines += bots.map { bot in "\(bot.id): \(bot.status)" + (bot.detail.map { ": \($0)" } ?? "") }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private struct State {
        var initialBots: Set<String>?
        var table: BotTable?
        var problems: RecentErrors?
        var ready = false
        var shuttingDown = false
        var waiters: [Int: CheckedContinuation<Report, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Names the bots started at launch, whose states decide readiness.
    func initialBots(_ ids: Set<String>, table: BotTable) {
        state.withLock {
            $0.initialBots = ids
            $0.table = table
        }
        refresh()
    }

    /// Reads each bot's warnings and errors from `problems` (a starting bot that logged one is
    /// retrying), and re-decides whenever one is logged.
    func watch(_ problems: RecentErrors) {
        state.withLock { $0.problems = problems }
        problems.observe { [weak self] in self?.refresh() }
        refresh()
    }

    /// Re-evaluates after a bot changed state, so readiness latches (and ``ready()`` returns)
    /// the moment the last initial bot settles, whether or not anyone is asking.
    ///
    /// Called at every state change of every bot, so it costs little: until the host is ready
    /// it looks for one unsettled initial bot (found at once while many start), and the full
    /// ``report`` is built only for callers waiting in ``ready()``.
    func refresh() {
        guard settledOrShuttingDown() else { return }
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        guard !waiters.isEmpty else { return }
        let report = report
        for waiter in waiters { waiter.resume(returning: report) }
    }

    /// Whether the host is ready (latching it when every initial bot just settled) or shutdown
    /// has begun, without building a report.
    private func settledOrShuttingDown() -> Bool {
        let (ids, table, problems, latched, shuttingDown) = state.withLock {
            ($0.initialBots, $0.table, $0.problems, $0.ready, $0.shuttingDown)
        }
        if latched || shuttingDown { return true }
        guard let ids, let table else { return false }
        let unsettled = table.contains { entry in
            ids.contains(entry.manifest.id) && Self.isUnsettled(Self.status(of: entry, problems: problems).status)
        }
        guard !unsettled else { return false }
        state.withLock { $0.ready = true }
        return true
    }

    private static func isUnsettled(_ status: String) -> Bool {
        status == "starting" || status == "stopping"
    }

    /// Shutdown began: no longer ready.
    func shutDown() {
        state.withLock { $0.shuttingDown = true }
        refresh()
    }

    /// Whether shutdown has begun; long-lived answers (the dashboard's live stream) end then.
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Whether the host is ready now.
    var isReady: Bool { report.isReady }

    /// The decision now, with every bot's status.
    var report: Report {
        let (ids, table, problems, latched, shuttingDown) = state.withLock {
            ($0.initialBots, $0.table, $0.problems, $0.ready, $0.shuttingDown)
        }
        let bots = (table?.all ?? []).map { Self.status(of: $0, problems: problems) }
        if shuttingDown { return Report(isReady: false, bots: bots, shuttingDown: true) }
        if latched { return Report(isReady: true, bots: bots) }
        guard let ids else { return Report(isReady: false, bots: bots) }
        let unsettled = Set(bots.filter { Self.isUnsettled($0.status) }.map(\.id))
        let settled = ids.isDisjoint(with: unsettled)
        if settled { state.withLock { $0.ready = true } }
        return Report(isReady: settled, bots: bots)
    }

    /// Waits until the host is ready, or shutdown began; answers the decision then.
    func ready() async -> Report {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                state.withLock { $0.waiters[id] = continuation }
                let now = report
                if now.isReady || now.shuttingDown || Task.isCancelled,
                    let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) })
                {
                    waiter.resume(returning: now)
                }
            }
        } onCancel: {
            if let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) }) {
                waiter.resume(returning: report)
            }
        }
    }

    /// One bot's status: a starting bot that logged a warning or an error since its run began
    /// is retrying.
    private static func status(of entry: BotTable.Entry, problems: RecentErrors?) -> Bot {
        let id = entry.manifest.id
        switch entry.state {
        case .running: return Bot(id: id, status: "running")
        case .stopping: return Bot(id: id, status: "stopping")
        case .stopped: return Bot(id: id, status: "stopped", detail: entry.stoppedByOperator ? "by an operator" : nil)
        case .failed(let reason): return Bot(id: id, status: "failed", detail: reason)
        case .starting:
            let began = entry.startedAt ?? .distantFuture
            if let latest = problems?.entries(for: id).first, latest.at >= began {
                return Bot(id: id, status: "retrying", detail: latest.message)
            }
            return Bot(id: id, status: "starting")
        }
    }
}
