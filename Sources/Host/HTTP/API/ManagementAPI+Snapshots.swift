import Foundation
import Hummingbird
import Logging
import Storage

extension CatalogEntry: ResponseEncodable {}

/// Snapshots of a bot's database, taken by the host that runs it.
extension ManagementAPI {
    /// How many snapshots of one bot the host's own folder keeps; older ones are removed.
    static let spoolKept = 4

    /// The host's own snapshot folder, `<data-dir>/snapshots`, from which `aviary backup` copies
    /// snapshots to their destination.
    var spool: SnapshotFolder {
        SnapshotFolder(root: (supervisor.options.dataDirectory as NSString).appendingPathComponent("snapshots"))
    }

    /// Takes a consistent snapshot of the bot into ``spool`` while it runs (or while it is
    /// stopped), through the host's bound on open databases, and answers its catalog entry.
    func takeSnapshot(_ request: Request, _ context: HostRequestContext) async throws -> EditedResponse<CatalogEntry> {
        let entry = try visibleBot(context)
        let manifest = entry.manifest
        let databasePath = supervisor.options.databasePath(for: manifest)
        if let outside = DatabaseLocation.escape(of: databasePath, from: supervisor.options.dataDirectory) {
            throw Problem.conflict("bot '\(manifest.id)': its database leads to \(outside), outside the data folder")
        }
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw Problem.conflict(
                "bot '\(manifest.id)' has no database yet: it has stored nothing, so there is nothing to copy"
            )
        }
        let source = SnapshotFolder.Source(
            botID: manifest.id,
            brand: manifest.brand,
            databasePath: databasePath,
            manifestPath: manifest.file
        )
        let snapshot: CatalogEntry
        do {
            snapshot = try await spool.take(source, databases: supervisor.databases)
        } catch {
            context.logger.error("snapshot failed: \(error)", metadata: ["bot": "\(manifest.id)"])
            await audit(
                "backup.snapshot", bot: manifest.id, brand: manifest.brand, outcome: "failed", detail: "\(error)",
                request, context)
            throw Problem(status: .internalServerError, detail: "bot '\(manifest.id)': the snapshot failed: \(error)")
        }
        for old in spool.list(botID: manifest.id).entries.dropLast(Self.spoolKept) {
            if let name = old.snapshotName { spool.remove(name) }
        }
        context.logger.notice(
            "snapshot \(snapshot.name) taken (\(snapshot.size) bytes)",
            metadata: ["bot": "\(manifest.id)"]
        )
        await audit(
            "backup.snapshot", bot: manifest.id, brand: manifest.brand, outcome: "ok",
            detail: "\(snapshot.name), \(snapshot.size) bytes", request, context)
        return EditedResponse(status: .created, response: snapshot)
    }
}
