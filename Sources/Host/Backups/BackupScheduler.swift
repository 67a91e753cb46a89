import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Backs every bot up on the host config's schedule: a consistent snapshot into the host's own
/// folder (`<data-dir>/snapshots`), copied to each destination and checked there, then the
/// destination's older snapshots of that bot pruned by `keep`.
///
/// A copy that fails is tried ``attempts`` times, ``retryDelay`` apart, then reported (log,
/// ``BackupStatusBoard``, `aviary_backup_failures_total`). Nothing here waits on a bot or makes
/// one wait: the snapshot reads beside the bot's writer, and a destination that is down only
/// delays the next bot's backup.
struct BackupScheduler: Service {
    let config: BackupsConfig
    let table: BotTable
    let options: HostOptions
    let databases: OpenDatabases
    let board: BackupStatusBoard
    let logger: Logger
    let metricsFactory: any MetricsFactory
    /// Where each scheduled backup's result is recorded; `nil` records nothing.
    var audit: AuditLog?
    /// How many times a copy to a destination is tried.
    var attempts = 3
    /// How long between tries.
    var retryDelay: Duration = .seconds(60)

    /// Runs a backup of every bot at each time the schedule names, until a graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            var next = config.schedule.next(after: Date())
            while true {
                let wait = next.timeIntervalSinceNow
                if wait > 0 {
                    do { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) } catch { return }
                }
                await runOnce(at: Date())
                next = config.schedule.next(after: max(next, Date()))
            }
        }
    }

    /// Backs up every bot the host knows (running, stopped or failed) once.
    func runOnce(at date: Date) async {
        for entry in table.all where !Task.isCancelled {
            await backUp(entry.manifest, at: date)
        }
    }

    /// The host's own snapshot folder.
    var spool: SnapshotFolder {
        SnapshotFolder(root: (options.dataDirectory as NSString).appendingPathComponent("snapshots"))
    }

    /// Backs one bot up; a bot with no database yet is skipped (it has nothing to lose).
    func backUp(_ manifest: BotManifest, at date: Date) async {
        let id = manifest.id
        let path = options.databasePath(for: manifest)
        guard FileManager.default.fileExists(atPath: path) else { return }
        var botLogger = logger
        botLogger[metadataKey: "bot"] = "\(id)"
        let entry: CatalogEntry
        do {
            guard DatabaseLocation.escape(of: path, from: options.dataDirectory) == nil else {
                throw HostError("its database leads outside the data folder through a symbolic link")
            }
            entry = try await spool.take(
                .init(botID: id, brand: manifest.brand, databasePath: path, manifestPath: manifest.file),
                databases: databases,
                now: date
            )
        } catch {
            await fail(manifest, at: date, reason: "the snapshot failed: \(error)", logger: botLogger)
            return
        }
        defer { entry.snapshotName.map(spool.remove) }
        var failures: [String] = []
        for destination in config.destinations {
            if let reason = await copy(entry, to: destination.store) {
                failures.append("\(destination): \(reason)")
            }
        }
        guard failures.isEmpty else {
            await fail(manifest, at: date, reason: failures.joined(separator: "; "), logger: botLogger)
            return
        }
        board.recordSuccess(id, at: date, size: entry.size)
        Gauge(label: MetricCatalog.backupLastSuccess, dimensions: [("bot", id)], factory: metricsFactory)
            .record(date.timeIntervalSince1970)
        Gauge(label: MetricCatalog.backupSize, dimensions: [("bot", id)], factory: metricsFactory)
            .record(Double(entry.size))
        botLogger.info(
            "backup \(entry.name) copied to \(config.destinations.count) destination(s), \(entry.size) bytes"
        )
        await audit?.record(
            AuditEntry(
                actor: "schedule", action: "backup.scheduled", bot: id, brand: manifest.brand, outcome: "ok",
                detail: "\(entry.name), \(entry.size) bytes, \(config.destinations.count) destination(s)"))
    }

    /// Copies `entry` to `store`, ``attempts`` times at most, then prunes the bot's older
    /// snapshots there (a pruning that fails is logged, and tried again next time); returns
    /// why the copy failed, or `nil`.
    private func copy(_ entry: CatalogEntry, to store: any SnapshotStore) async -> String? {
        var reason = ""
        for attempt in 1...max(1, attempts) {
            do {
                try await store.add(entry, from: spool)
                do {
                    try await prune(store, bot: entry.bot)
                } catch {
                    logger.warning("pruning old backups failed: \(error)", metadata: ["bot": "\(entry.bot)"])
                }
                return nil
            } catch {
                reason = "\(error)"
                logger.warning(
                    "backup copy failed (try \(attempt) of \(attempts)): \(error)",
                    metadata: ["bot": "\(entry.bot)"]
                )
                if attempt < attempts {
                    do { try await Task.sleep(for: retryDelay) } catch { break }
                }
            }
        }
        return "\(reason) (after \(max(1, attempts)) tries)"
    }

    /// Removes the bot's snapshots in `store` that `keep` does not keep.
    private func prune(_ store: any SnapshotStore, bot: String) async throws {
        let entries = try await store.list(botID: bot).entries
        let kept = BackupKeeping.kept(
            entries,
            daily: config.keepDaily,
            weekly: config.keepWeekly,
            timeZone: config.schedule.timeZone
        )
        for entry in entries where !kept.contains(entry.name) {
            if let name = entry.snapshotName { try await store.remove(name) }
        }
    }

    private func fail(_ manifest: BotManifest, at date: Date, reason: String, logger: Logger) async {
        let id = manifest.id
        board.recordFailure(id, at: date, reason: reason)
        Counter(label: MetricCatalog.backupFailures, dimensions: [("bot", id)], factory: metricsFactory).increment()
        logger.error("backup failed: \(reason)")
        await audit?.record(
            AuditEntry(
                actor: "schedule", action: "backup.scheduled", bot: id, brand: manifest.brand, outcome: "failed",
                detail: reason))
    }
}
