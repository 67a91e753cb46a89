import Crypto
import Foundation
import Storage

/// A local folder of snapshots, one subfolder per bot:
///
/// ```
/// <root>/han-ru/han-ru-20261207T143000.250Z.sqlite         the database, as it was
/// <root>/han-ru/han-ru-20261207T143000.250Z.manifest.yaml  the manifest file, as it was
/// <root>/han-ru/han-ru-20261207T143000.250Z.json           the catalog entry, written last
/// ```
///
/// Every file is `0600` (folders `0700`), written atomically and synced. A snapshot exists once
/// its entry exists; files without an entry are leftovers of an interrupted snapshot.
struct SnapshotFolder: Sendable {
    /// The folder.
    let root: String

    /// What a snapshot is taken of: one bot's files.
    struct Source: Sendable {
        var botID: String
        var brand: String?
        /// The bot's database file.
        var databasePath: String
        /// The bot's manifest file.
        var manifestPath: String
    }

    /// The subfolder of bot `botID`.
    func folder(of botID: String) -> String { (root as NSString).appendingPathComponent(botID) }

    /// The database copy of snapshot `name`.
    func databasePath(_ name: SnapshotName) -> String { path(name, ".sqlite") }

    /// The manifest copy of snapshot `name`.
    func manifestPath(_ name: SnapshotName) -> String { path(name, ".manifest.yaml") }

    /// The catalog entry of snapshot `name`.
    func entryPath(_ name: SnapshotName) -> String { path(name, ".json") }

    private func path(_ name: SnapshotName, _ suffix: String) -> String {
        (folder(of: name.botID) as NSString).appendingPathComponent(name.description + suffix)
    }

    /// Takes a consistent snapshot of `source` into this folder.
    ///
    /// - Parameter databases: The host's bound on open databases (the copy takes one slot).
    /// - Throws: ``HostError`` or ``StorageError`` saying what failed; nothing of the snapshot is
    ///   left behind then.
    func take(_ source: Source, databases: OpenDatabases, now: Date = Date()) async throws -> CatalogEntry {
        let name = SnapshotName(botID: source.botID, takenAt: now)
        try AtomicFile.createFolder(folder(of: source.botID))
        let manifest = try Self.readManifest(source.manifestPath)
        let temporary = (folder(of: source.botID) as NSString).appendingPathComponent(
            ".tmp-\(UUID().uuidString)-\(name).sqlite"
        )
        defer { unlink(temporary) }
        try await DatabaseSnapshot.copy(from: source.databasePath, to: temporary, databases: databases)
        try AtomicFile.sync(temporary)
        let inspection = try await DatabaseSnapshot.inspect(temporary)
        guard inspection.isSound else {
            throw HostError(
                "bot '\(source.botID)': the copy failed integrity_check (\(inspection.integrity.prefix(3)))"
            )
        }
        let digest = try AtomicFile.digest(of: temporary)
        let entry = CatalogEntry(
            name: name.description,
            bot: source.botID,
            brand: source.brand,
            takenAt: name.isoTime,
            size: digest.size,
            sha256: digest.sha256,
            manifestSHA256: Self.sha256(manifest),
            migrations: inspection.migrations,
            pollOffset: inspection.pollOffset,
            pendingUpdates: inspection.pendingUpdates,
            pendingReplies: inspection.pendingReplies
        )
        do {
            try AtomicFile.rename(temporary, to: databasePath(name))
            try AtomicFile.write(manifest, to: manifestPath(name))
            try AtomicFile.write(try entry.encoded(), to: entryPath(name))
        } catch {
            remove(name)
            throw error
        }
        return entry
    }

    /// Copies snapshot `entry` from `other` into this folder, checking every byte against the
    /// entry's checksums; a copy that does not match is removed and refused.
    func add(_ entry: CatalogEntry, from other: SnapshotFolder) throws {
        guard let name = entry.snapshotName else { throw HostError("'\(entry.name)' is not a snapshot name") }
        try AtomicFile.createFolder(root)
        try AtomicFile.createFolder(folder(of: name.botID))
        do {
            let database = try AtomicFile.copy(from: other.databasePath(name), to: databasePath(name))
            guard database.sha256 == entry.sha256, database.size == entry.size else {
                throw HostError("snapshot \(name): the database copied to \(root) does not match its checksum")
            }
            let manifest = try AtomicFile.copy(from: other.manifestPath(name), to: manifestPath(name))
            guard manifest.sha256 == entry.manifestSHA256 else {
                throw HostError("snapshot \(name): the manifest copied to \(root) does not match its checksum")
            }
            try AtomicFile.write(try entry.encoded(), to: entryPath(name))
        } catch {
            remove(name)
            throw error
        }
    }

    /// Removes every file of snapshot `name`, its entry first.
    func remove(_ name: SnapshotName) {
        for path in [entryPath(name), databasePath(name), manifestPath(name)] { unlink(path) }
    }

    /// Every snapshot here (of bot `botID` only, when given), oldest first, and a line for each
    /// entry that could not be read.
    func list(botID: String? = nil) -> (entries: [CatalogEntry], problems: [String]) {
        let manager = FileManager.default
        let bots = botID.map { [$0] } ?? ((try? manager.contentsOfDirectory(atPath: root)) ?? []).sorted()
        var entries: [CatalogEntry] = []
        var problems: [String] = []
        for bot in bots where SnapshotName.isBotID(Array(bot.utf8)) {
            let files = (try? manager.contentsOfDirectory(atPath: folder(of: bot))) ?? []
            for file in files where file.hasSuffix(".json") && !file.hasPrefix(".") {
                let path = (folder(of: bot) as NSString).appendingPathComponent(file)
                guard let name = SnapshotName(parsing: String(file.dropLast(5))), name.botID == bot else {
                    problems.append("\(path): not named like a snapshot; ignored")
                    continue
                }
                do {
                    entries.append(
                        try CatalogEntry.parse(try Self.readBounded(path, limit: CatalogEntry.maximumBytes), of: name))
                } catch {
                    problems.append("\(path): \(error)")
                }
            }
        }
        return (CatalogEntry.ordered(entries), problems)
    }

    /// The bytes of `path`, at most `limit` (one more is an error).
    static func readBounded(_ path: String, limit: Int) throws -> Data {
        var data = Data()
        try AtomicFile.read(path) { chunk in
            data.append(contentsOf: chunk)
            if data.count > limit { throw HostError("\(path) is over \(limit) bytes") }
        }
        return data
    }

    /// The manifest file's bytes, at most the size a manifest may have.
    private static func readManifest(_ path: String) throws -> Data {
        try readBounded(path, limit: YAMLLimits.manifest.maximumBytes)
    }

    private static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
