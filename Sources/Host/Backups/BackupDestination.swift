import Foundation

/// Where snapshots are kept, whatever holds them: a local folder (``SnapshotFolder``) or a
/// bucket of an S3-compatible store (``S3SnapshotStore``).
protocol SnapshotStore: Sendable {
    /// Copies snapshot `entry` from the local folder `spool` here, checking every byte against
    /// the entry's checksums; the entry goes last, so a copy that fails leaves no snapshot.
    func add(_ entry: CatalogEntry, from spool: SnapshotFolder) async throws
    /// Every snapshot here (of bot `botID` only, when given), oldest first, and a line for each
    /// entry that could not be read.
    func list(botID: String?) async throws -> (entries: [CatalogEntry], problems: [String])
    /// Removes every file of snapshot `name`, its entry first.
    func remove(_ name: SnapshotName) async throws
    /// A local folder holding snapshot `entry`, checked against its checksums: this folder
    /// itself, or `spool` after a download (the caller removes it from there afterwards).
    func local(_ entry: CatalogEntry, spool: SnapshotFolder) async throws -> SnapshotFolder
}

extension SnapshotFolder: SnapshotStore {
    /// This folder: its snapshots are local already (``SnapshotRestore`` checks them).
    func local(_ entry: CatalogEntry, spool: SnapshotFolder) -> SnapshotFolder { self }
}

/// A destination as the command line (`--to`, `--from`) and the host config
/// (`backups.destinations`) write it: an absolute folder path, or an ``S3Location`` URL
/// (`s3://bucket/prefix?endpoint=…`).
enum BackupDestination: Sendable, Equatable, CustomStringConvertible {
    /// A local folder.
    case folder(String)
    /// A bucket of an S3-compatible store.
    case s3(S3Location)

    /// Reads a destination; `s3://…` is a bucket, anything else a folder.
    ///
    /// - Parameter requireAbsolute: Whether a folder must be an absolute path (the host
    ///   config's must; the command line's may be relative to the working folder).
    /// - Throws: ``S3LocationError`` for a bucket, or for a folder path with `..` or a NUL
    ///   (field `path`).
    static func parse(_ text: String, requireAbsolute: Bool, environment: [String: String])
        throws(S3LocationError) -> BackupDestination
    {
        if S3Location.isS3(text) { return .s3(try S3Location.parse(text, environment: environment)) }
        guard !text.isEmpty, !requireAbsolute || text.hasPrefix("/"), text.utf8.count <= 1_024, !text.contains("\0"),
            !text.split(separator: "/").contains("..")
        else {
            throw S3LocationError(
                "path",
                "\(S3Location.quote(text)) is not \(requireAbsolute ? "an absolute" : "a") folder path without '..' "
                    + "nor an s3:// URL"
            )
        }
        return .folder(text)
    }

    /// Reads the command-line option `flag` (`--to`, `--from`), with the environment's keys;
    /// errors name the option and the part (`--to: bucket: …`).
    static func option(_ text: String, named flag: String) throws -> BackupDestination {
        do {
            return try parse(text, requireAbsolute: false, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw HostError("\(flag): \(error)")
        }
    }

    /// The store that holds the snapshots.
    var store: any SnapshotStore {
        switch self {
        case .folder(let path): SnapshotFolder(root: path)
        case .s3(let location): S3SnapshotStore(client: S3Client(location: location))
        }
    }

    /// The folder's path, or the bucket without its keys.
    var description: String {
        switch self {
        case .folder(let path): path
        case .s3(let location): location.description
        }
    }
}
