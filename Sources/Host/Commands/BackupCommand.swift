import ArgumentParser
import Foundation
import Storage

/// `aviary backup`: a consistent snapshot of each chosen bot into a destination (a folder or
/// an S3 bucket), while the bots keep running.
///
/// On a stopped data folder the command copies each database itself, holding the folder's
/// lock. When a host runs there, it asks that host for each snapshot through the management
/// API (the host copies the database through its own bound on open databases, beside its
/// writers), then copies the snapshot from `<data-dir>/snapshots` to the destination,
/// checking its checksums. A bucket always gets its snapshots from there.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Snapshot bots' databases and manifests into a folder or an S3 bucket, while they run.",
        discussion: """
            Writes <to>/<bot>/<bot>-<time>.sqlite, .manifest.yaml and .json (the catalog entry, last), \
            files 0600, each written atomically and synced. --to s3://BUCKET/PREFIX?endpoint=URL&region=R&\
            credentials_file=PATH uploads the same three objects under PREFIX, checked by SHA-256 and MD5 \
            (keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY without credentials_file). Prints one line \
            per snapshot; exits 1 when one failed (the others are kept).
            """
    )

    @Option(name: .customLong("bot"), help: "A bot to back up (repeatable).")
    var botIDs: [String] = []

    @Option(name: .customLong("brand"), help: "Back up every bot of this brand.")
    var brand: String?

    @Flag(name: .customLong("all"), help: "Back up every bot with a valid manifest.")
    var all = false

    @Option(name: .customLong("to"), help: "The destination: a folder, or s3://BUCKET/PREFIX?endpoint=…")
    var destination: String

    @OptionGroup var access: HostAccessOptions

    func validate() throws {
        let choices = (botIDs.isEmpty ? 0 : 1) + (brand == nil ? 0 : 1) + (all ? 1 : 0)
        guard choices == 1 else { throw ValidationError("choose the bots with exactly one of --bot, --brand or --all") }
    }

    func run() async throws {
        let bots = try Self.select(
            scan: ManifestLoader(registry: .builtIn()).scan(directory: access.botsDirectory),
            ids: botIDs,
            brand: brand,
            all: all,
            botsDirectory: access.botsDirectory
        )
        let target = try BackupDestination.option(destination, named: "--to")
        if case .folder(let path) = target { try AtomicFile.createFolder(path) }
        let hostAccess = try HostAccess.acquire(access)
        defer { hostAccess.release() }
        var failed = 0
        for bot in bots {
            do {
                let entry = try await snapshot(bot, into: target, through: hostAccess)
                print("\(entry.name)  \(entry.size) bytes  sha256 \(entry.sha256.prefix(16))…  → \(target)")
            } catch {
                failed += 1
                print("\(bot.id): backup failed: \(error)")
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    private func snapshot(_ bot: BotManifest, into target: BackupDestination, through hostAccess: HostAccess)
        async throws -> CatalogEntry
    {
        let spool = SnapshotFolder(root: (access.dataDirectory as NSString).appendingPathComponent("snapshots"))
        let entry: CatalogEntry
        switch hostAccess {
        case .alone:
            let path = access.hostOptions.databasePath(for: bot)
            if let outside = DatabaseLocation.escape(of: path, from: access.dataDirectory) {
                throw HostError("its database leads to \(outside), outside the data folder, through a symbolic link")
            }
            let source = SnapshotFolder.Source(
                botID: bot.id,
                brand: bot.brand,
                databasePath: path,
                manifestPath: bot.file
            )
            if case .folder(let root) = target {
                return try await SnapshotFolder(root: root).take(source, databases: OpenDatabases(limit: 1))
            }
            entry = try await spool.take(source, databases: OpenDatabases(limit: 1))
        case .host(let client):
            entry = try await client.takeSnapshot(of: bot.id)
        }
        defer { entry.snapshotName.map(spool.remove) }
        try await target.store.add(entry, from: spool)
        return entry
    }

    /// The manifests chosen by `ids`, `brand` or `all`, in id order.
    ///
    /// - Throws: ``HostError`` naming an id with no valid manifest, or a brand with no bot.
    static func select(scan: ManifestScan, ids: [String], brand: String?, all: Bool, botsDirectory: String) throws
        -> [BotManifest]
    {
        let manifests = scan.bots.map(\.manifest).sorted { $0.id < $1.id }
        if all { return manifests }
        if let brand {
            let chosen = manifests.filter { $0.brand == brand }
            guard !chosen.isEmpty else { throw HostError("no valid manifest in \(botsDirectory) has brand '\(brand)'") }
            return chosen
        }
        return try ids.map { id in
            guard let manifest = manifests.first(where: { $0.id == id }) else {
                throw HostError("no valid manifest with id '\(id)' in \(botsDirectory); check --bot and --bots-dir")
            }
            return manifest
        }
    }
}
