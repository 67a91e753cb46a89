import Foundation
import Storage
#if canImport(Glibc)
    import Glibc
#endif

/// Puts a snapshot's database in place of a bot's, in two steps: ``prepare()`` copies the
/// snapshot into the data folder and checks it while the bot may still run; ``swap(_:)``, with
/// the bot stopped, sets the old file aside and moves the checked copy in.
///
/// A crash or power cut at any moment leaves the bot's database path holding either the old
/// file, whole, or the snapshot, whole (see ``swap(_:)``).
struct SnapshotRestore: Sendable {
    /// The snapshot's folder.
    let folder: SnapshotFolder
    /// The snapshot.
    let entry: CatalogEntry
    /// The bot's database file.
    let databasePath: String
    /// The schema steps this build can run for the bot (the host's and its plugins'),
    /// `plugin.<name>.<step>` for plugins.
    let knownMigrations: [String]
    /// The names of the plugins the bot runs now.
    let plugins: [String]

    /// A checked copy of the snapshot beside the bot's database, ready for ``swap(_:)``.
    struct Prepared: Sendable {
        /// The copy.
        let path: String
        /// What it holds.
        let inspection: DatabaseSnapshot.Inspection
    }

    /// Copies the snapshot's database beside the bot's and checks the copy: its SHA-256 and size
    /// against the entry, `PRAGMA integrity_check`, and that this build knows every schema step
    /// of the host and of the bot's plugins it holds.
    ///
    /// - Throws: ``HostError`` saying which check failed; the copy is removed then.
    func prepare() async throws -> Prepared {
        guard let name = entry.snapshotName else { throw HostError("'\(entry.name)' is not a snapshot name") }
        let path = databasePath + ".restoring-\(name.stamp)"
        unlink(path)
        do {
            let digest = try AtomicFile.copy(from: folder.databasePath(name), to: path)
            guard digest.sha256 == entry.sha256, digest.size == entry.size else {
                throw HostError(
                    "snapshot \(name): its database does not match the catalog's checksum (SHA-256 \(digest.sha256), "
                        + "\(digest.size) bytes; the catalog says \(entry.sha256), \(entry.size) bytes); it was changed or "
                        + "damaged after it was taken: choose another snapshot"
                )
            }
            let inspection = try await DatabaseSnapshot.inspect(path)
            guard inspection.isSound else {
                throw HostError(
                    "snapshot \(name): integrity_check failed (\(inspection.integrity.prefix(3).joined(separator: "; "))); "
                        + "choose another snapshot"
                )
            }
            let unknown = unknownMigrations(in: inspection.migrations)
            guard unknown.isEmpty else {
                throw HostError(
                    "snapshot \(name) holds schema steps this aviary does not know (\(unknown.joined(separator: ", "))): "
                        + "it was taken by a newer version; restore it with that version"
                )
            }
            return Prepared(path: path, inspection: inspection)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// The host's and the bot's plugins' schema steps in `migrations` that this build does not know.
    func unknownMigrations(in migrations: [String]) -> [String] {
        let known = Set(knownMigrations)
        let owned = plugins.map { "plugin.\($0)." }
        return migrations.filter { step in
            (step.hasPrefix("host.") || owned.contains { step.hasPrefix($0) }) && !known.contains(step)
        }
    }

    /// Moves `prepared` in place of the bot's database and returns where the old file was set
    /// aside (`nil` when the bot had none).
    ///
    /// 1. The old database's WAL is emptied into it and removed (``DatabaseSnapshot/settle(_:)``),
    ///    so the file alone is the whole old state, and no WAL is left to replay over the new one.
    /// 2. The old file gets a second name, `<database>.before-restore-<time>` (a hard link), and
    ///    the folder is synced.
    /// 3. `rename` moves the copy over the database path, atomically, and the folder is synced.
    ///
    /// - Important: The bot must be stopped.
    func swap(_ prepared: Prepared, now: Date = Date()) async throws -> String? {
        let folderPath = (databasePath as NSString).deletingLastPathComponent
        var aside: String?
        var info = stat()
        if lstat(databasePath, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw HostError(
                    "\(databasePath) is not a regular file; the host would not open it either; not replaced"
                )
            }
            try await DatabaseSnapshot.settle(databasePath)
            for suffix in ["-wal", "-shm"] where lstat(databasePath + suffix, &info) == 0 {
                guard info.st_size == 0 || suffix == "-shm" else {
                    throw HostError("\(databasePath)-wal still holds commits after a checkpoint: is the bot running?")
                }
                unlink(databasePath + suffix)
            }
            let path = databasePath + ".before-restore-\(SnapshotName(botID: entry.bot, takenAt: now).stamp)"
            guard link(databasePath, path) == 0 else {
                throw HostError("cannot keep the old database as \(path): \(String(cString: strerror(errno)))")
            }
            aside = path
            try AtomicFile.sync(folderPath)
        }
        guard Glibc.rename(prepared.path, databasePath) == 0 else {
            throw HostError("cannot move the snapshot into \(databasePath): \(String(cString: strerror(errno)))")
        }
        try AtomicFile.sync(folderPath)
        return aside
    }
}
