import Foundation

/// Snapshots in a bucket, laid out as in a folder: `<prefix><bot>/<name>.sqlite`,
/// `.manifest.yaml`, then `.json` (the catalog entry, uploaded last and removed first, so a
/// snapshot exists once its entry does).
///
/// Uploads are streamed and checked by the store (SHA-256 and MD5 sent with each) and by
/// their ETag; downloads are streamed, bounded by the entry's size, and their SHA-256 compared
/// with the entry's before anything uses them. Keys read back from a listing name a snapshot
/// only when they are exactly `<prefix><bot>/<name>.json`.
struct S3SnapshotStore: SnapshotStore {
    /// The bucket's client.
    let client: S3Client

    private var prefix: String { client.location.prefix }

    private func key(_ name: SnapshotName, _ suffix: String) -> String {
        "\(prefix)\(name.botID)/\(name)\(suffix)"
    }

    /// Uploads the database, the manifest and then the entry; a failed upload removes what
    /// went up.
    func add(_ entry: CatalogEntry, from spool: SnapshotFolder) async throws {
        guard let name = entry.snapshotName else { throw HostError("'\(entry.name)' is not a snapshot name") }
        do {
            try await client.put(key(name, ".sqlite"), file: spool.databasePath(name), sha256: entry.sha256)
            try await client.put(
                key(name, ".manifest.yaml"),
                file: spool.manifestPath(name),
                sha256: entry.manifestSHA256
            )
            try await client.put(key(name, ".json"), file: spool.entryPath(name), sha256: nil)
        } catch {
            try? await remove(name)
            throw error
        }
    }

    /// Lists the entry objects under the prefix (and the bot's folder) and reads each.
    func list(botID: String?) async throws -> (entries: [CatalogEntry], problems: [String]) {
        var entries: [CatalogEntry] = []
        var problems: [String] = []
        for key in try await client.list(prefix: prefix + (botID.map { "\($0)/" } ?? "")) {
            guard let name = Self.snapshotName(ofEntryKey: key, prefix: prefix) else { continue }
            guard botID == nil || name.botID == botID else { continue }
            do {
                entries.append(
                    try CatalogEntry.parse(try await client.data(key, limit: CatalogEntry.maximumBytes), of: name)
                )
            } catch {
                problems.append("\(client.describe(key)): \(error)")
            }
        }
        return (CatalogEntry.ordered(entries), problems)
    }

    /// Deletes the entry, then the database and the manifest.
    func remove(_ name: SnapshotName) async throws {
        for suffix in [".json", ".sqlite", ".manifest.yaml"] { try await client.delete(key(name, suffix)) }
    }

    /// Downloads snapshot `entry` into `spool`, checking the database's SHA-256 and size and
    /// the manifest's SHA-256 against the entry; nothing is left there when a check fails.
    func local(_ entry: CatalogEntry, spool: SnapshotFolder) async throws -> SnapshotFolder {
        guard let name = entry.snapshotName else { throw HostError("'\(entry.name)' is not a snapshot name") }
        try AtomicFile.createFolder(spool.folder(of: name.botID))
        spool.remove(name)
        do {
            let database = try await client.get(key(name, ".sqlite"), to: spool.databasePath(name), limit: entry.size)
            guard database.sha256 == entry.sha256, database.size == entry.size else {
                throw HostError(
                    "snapshot \(name): its database in \(client.describe(key(name, ".sqlite"))) does not match the "
                        + "catalog's checksum (SHA-256 \(database.sha256), \(database.size) bytes; the catalog says "
                        + "\(entry.sha256), \(entry.size) bytes); it was changed or damaged after it was taken: "
                        + "choose another snapshot"
                )
            }
            let manifest = try await client.get(
                key(name, ".manifest.yaml"),
                to: spool.manifestPath(name),
                limit: Int64(YAMLLimits.manifest.maximumBytes)
            )
            guard manifest.sha256 == entry.manifestSHA256 else {
                throw HostError("snapshot \(name): its manifest in the bucket does not match the catalog's checksum")
            }
            try AtomicFile.write(try entry.encoded(), to: spool.entryPath(name))
        } catch {
            spool.remove(name)
            throw error
        }
        return spool
    }

    /// The snapshot whose entry is the object `key`: exactly `<prefix><bot>/<name>.json`
    /// with `<name>` one of `<bot>`'s snapshot names; `nil` for any other key.
    static func snapshotName(ofEntryKey key: String, prefix: String) -> SnapshotName? {
        guard key.hasPrefix(prefix), key.hasSuffix(".json") else { return nil }
        let parts = key.dropFirst(prefix.count).dropLast(5).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let name = SnapshotName(parsing: String(parts[1])), name.botID == parts[0] else {
            return nil
        }
        return name
    }
}
