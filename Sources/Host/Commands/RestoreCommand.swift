import ArgumentParser
import Foundation
import Logging
import Storage

/// `aviary restore`: puts a bot's database back as a snapshot holds it.
///
/// The snapshot is copied beside the bot's database and checked (checksum, `integrity_check`,
/// schema steps this build knows) before anything stops. When a host runs the bot, the bot is
/// stopped through the management API, the files are swapped, and the bot is started again;
/// on a stopped data folder the swap happens under the folder's lock.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a bot's database from a snapshot, keeping the old file aside.",
        discussion: """
            Picks the latest snapshot of the bot in --from, the latest taken at or before --at, or the one named \
            by --snapshot. A snapshot in an S3 bucket is downloaded into <data-dir>/snapshots first and its \
            checksums compared with its catalog entry. The old database stays as <database>.before-restore-<time>.
            """
    )

    @Option(name: .customLong("bot"), help: "The bot to restore.")
    var botID: String

    @Option(name: .customLong("from"), help: "The backups: a folder, or s3://BUCKET/PREFIX?endpoint=…")
    var source: String

    @Option(
        name: .customLong("at"),
        help: "The latest snapshot taken at or before this time (ISO 8601, UTC if no zone)."
    )
    var at: String?

    @Option(name: .customLong("snapshot"), help: "The snapshot's name, as `aviary backups list` shows it.")
    var snapshot: String?

    @OptionGroup var access: HostAccessOptions

    func validate() throws {
        guard at == nil || snapshot == nil else { throw ValidationError("give --at or --snapshot, not both") }
    }

    func run() async throws {
        let scan = ManifestLoader(registry: .builtIn()).scan(directory: access.botsDirectory)
        guard let bot = scan.bots.first(where: { $0.manifest.id == botID }) else {
            throw HostError(
                "no valid manifest with id '\(botID)' in \(access.botsDirectory); check --bot and --bots-dir"
            )
        }
        let destination = try BackupDestination.option(source, named: "--from")
        let store = destination.store
        let entry = try Self.choose(
            from: try await store.list(botID: botID).entries,
            botID: botID,
            at: at.map(SnapshotTime.parse),
            named: snapshot,
            source: source
        )
        let databasePath = access.hostOptions.databasePath(for: bot.manifest)
        if let outside = DatabaseLocation.escape(of: databasePath, from: access.dataDirectory) {
            throw HostError("bot '\(botID)': its database leads to \(outside), outside the data folder; not restored")
        }
        let spool = SnapshotFolder(root: (access.dataDirectory as NSString).appendingPathComponent("snapshots"))
        let folder = try await store.local(entry, spool: spool)
        defer { if folder.root == spool.root { entry.snapshotName.map(spool.remove) } }
        let restore = SnapshotRestore(
            folder: folder,
            entry: entry,
            databasePath: databasePath,
            knownMigrations: DatabaseSnapshot.hostMigrations
                + bot.migrations.flatMap { plugin in plugin.steps.map { "plugin.\(plugin.pluginName).\($0.identifier)" }
                },
            plugins: bot.migrations.map(\.pluginName)
        )
        print("checking snapshot \(entry.name) …")
        let prepared = try await restore.prepare()
        let hostAccess = try HostAccess.acquire(access)
        defer { hostAccess.release() }
        let aside: String?
        switch hostAccess {
        case .alone:
            aside = try await restore.swap(prepared)
        case .host(let client):
            let state = try await client.state(of: botID)
            let wasRunning = state == "running" || state == "starting"
            if wasRunning {
                print("stopping \(botID) on the running host …")
                try await client.stop(botID)
            }
            do {
                aside = try await restore.swap(prepared)
            } catch {
                if wasRunning { try? await client.start(botID) }
                throw error
            }
            if wasRunning {
                try await client.start(botID)
                print("started \(botID) again")
            }
        }
        let offset =
            prepared.inspection.pollOffset.map { "Telegram offset \($0)" } ?? "no Telegram offset (never polled)"
        print(
            "restored \(botID) from \(entry.name): \(offset), \(prepared.inspection.pendingUpdates) pending update(s), "
                + "\(prepared.inspection.pendingReplies) pending repl(ies)"
        )
        print(aside.map { "the old database is kept as \($0)" } ?? "there was no database before")
        await recordInAuditLog(
            bot: bot.manifest,
            detail: "from \(entry.name) in \(source); \(offset)" + (aside.map { "; the old database kept as \($0)" } ?? ""))
    }

    /// Appends the restore to the host's audit log (the running host's too: the log is a
    /// database both may write); a log that cannot be written is reported, not fatal.
    private func recordInAuditLog(bot: BotManifest, detail: String) async {
        var logger = Logger(label: "aviary.restore")
        logger.logLevel = .critical
        do {
            let audit = AuditLog(database: try HostDatabase.open(dataDirectory: access.dataDirectory), logger: logger)
            let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            guard
                await audit.record(
                    AuditEntry(
                        actor: "cli:\(user)", action: "backup.restored", bot: bot.id, brand: bot.brand, outcome: "ok",
                        detail: detail)) != nil
            else {
                print("warning: the restore is done but could not be written to the audit log")
                return
            }
        } catch {
            print("warning: the restore is done but the audit log could not be opened: \(error)")
        }
    }

    /// The snapshot to restore: the one named `name`, else the latest taken at or before `at`,
    /// else the latest.
    static func choose(
        from entries: [CatalogEntry],
        botID: String,
        at: Result<Date, HostError>?,
        named name: String?,
        source: String
    ) throws -> CatalogEntry {
        guard let latest = entries.last else { throw HostError("no snapshot of bot '\(botID)' in \(source)") }
        if let name {
            guard let entry = entries.first(where: { $0.name == name }) else {
                throw HostError(
                    "no snapshot named '\(Problem.excerpt(name))' of bot '\(botID)' in \(source); "
                        + "`aviary backups list --from \(source) --bot \(botID)` lists them"
                )
            }
            return entry
        }
        guard let at else { return latest }
        let time = try at.get()
        guard let entry = entries.last(where: { $0.snapshotName!.takenAt <= time }) else {
            throw HostError(
                "no snapshot of bot '\(botID)' was taken at or before \(SnapshotTime.text(time)); "
                    + "the earliest is \(entries[0].name)"
            )
        }
        return entry
    }
}
