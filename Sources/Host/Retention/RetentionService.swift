import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Prunes every bot's database by its manifest's `retention:`, one bot after another, every
/// ``interval`` (the first pass ``firstDelay`` after start).
///
/// Pruning runs beside the bots, never in their update path: each database gets a connection
/// of its own through the host's bound on open databases (``MaintenanceConnection``), and each
/// batch is one short transaction (``Retention``), so a bot waits at most one batch for its next
/// commit. A bot with no database yet, or one a symbolic link leads out of the data folder, is
/// skipped; a failure is logged with the bot and the next bot goes on.
struct RetentionService: Service {
    let table: BotTable
    let options: HostOptions
    let databases: OpenDatabases
    let logger: Logger
    /// How long after start the first pass runs.
    var firstDelay: Duration = .seconds(300)
    /// How long between passes.
    var interval: Duration = .seconds(3_600)

    /// Runs a pass every ``interval`` until a graceful shutdown or cancellation.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = firstDelay
            while true {
                do { try await Task.sleep(for: delay) } catch { return }
                _ = await pass(now: Date())
                delay = interval
            }
        }
    }

    /// Prunes every bot the host knows, as of `now`; returns what each pass removed, by bot.
    func pass(now: Date) async -> [String: Retention.Report] {
        var reports: [String: Retention.Report] = [:]
        for entry in table.all {
            let manifest = entry.manifest
            let path = options.databasePath(for: manifest)
            guard !Task.isCancelled, DatabaseLocation.escape(of: path, from: options.dataDirectory) == nil else {
                continue
            }
            do {
                let report = try await MaintenanceConnection.with(path: path, databases: databases) { writer in
                    try await Retention.prune(writer, policy: manifest.retention, now: now)
                }
                guard let report else { continue }
                reports[manifest.id] = report
                if report.updates + report.replies + report.deadLetters > 0 {
                    logger.info(
                        """
                        retention: pruned \(report.updates) update(s), \(report.replies) sent repl(ies), \
                        \(report.deadLetters) dead letter(s); \(report.pagesFreed) page(s) given back, \
                        \(report.databaseBytes) bytes now
                        """,
                        metadata: ["bot": "\(manifest.id)"]
                    )
                }
            } catch {
                logger.error("retention failed: \(error)", metadata: ["bot": "\(manifest.id)"])
            }
        }
        return reports
    }
}
