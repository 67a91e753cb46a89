import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of the host's latest scan of `bots.d`, kept in `<data-dir>/last-reload.json`
/// (`0600`) for `aviary reload` to print.
///
/// The host replaces the file atomically (a temporary file, then a rename) after every scan,
/// whoever asked for it (SIGHUP, the API, the dashboard, the start); each outcome carries the
/// time its scan began, so that `aviary reload` waits for the first scan that began after its
/// signal.
struct ReloadOutcome: Codable, Sendable, Equatable {
    /// When the scan began, in milliseconds since 1970.
    var beganAtMs: Int64
    /// What the reload did, as `POST /api/v1/reload` answers it.
    var reload: ReloadView

    /// The outcome of `report`, whose scan began at `began`.
    init(_ report: ReloadReport, began: Date) {
        beganAtMs = Int64((began.timeIntervalSince1970 * 1000).rounded(.down))
        reload = ReloadView(report)
    }

    /// What `aviary reload` prints: the summary, then one line per bot acted on, each restarted
    /// bot's changes, and every error.
    var lines: [String] {
        var lines = [reload.summary]
        for (label, ids) in [
            ("started", reload.started), ("restarted", reload.restarted), ("stopped", reload.stopped),
            ("kept last good", reload.keptLastGood),
        ] where !ids.isEmpty {
            lines.append("\(label): \(ids.joined(separator: ", "))")
        }
        for id in reload.restarted {
            for change in reload.changes[id] ?? [] { lines.append("  \(id): \(change)") }
        }
        for error in reload.errors { lines.append("error: \(error)") }
        return lines
    }
}

/// Reads and writes ``ReloadOutcome`` in a data folder.
struct ReloadOutcomeFile: Sendable {
    /// The file's name inside the data folder.
    static let fileName = "last-reload.json"
    /// The largest file read: a bigger one is refused, not read.
    static let maximumBytes = 4 << 20

    /// Where the file lives.
    let path: String

    /// The file in `dataDirectory`.
    init(dataDirectory: String) {
        path = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
    }

    /// Replaces the file with `outcome`: written to a temporary file (`0600`), then renamed over it.
    func write(_ outcome: ReloadOutcome) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(outcome)
        let temporary = path + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else {
            throw HostError("cannot write \(temporary); check that the data folder is writable")
        }
        if rename(temporary, path) != 0 {
            throw HostError("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The outcome in the file; `nil` when there is no file.
    ///
    /// - Throws: ``HostError`` when the file is larger than ``maximumBytes`` or is not an outcome.
    func read() throws -> ReloadOutcome? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: Self.maximumBytes + 1) ?? Data()
        return try Self.decode(data, path: path)
    }

    /// Decodes a file's bytes.
    ///
    /// - Throws: ``HostError`` naming `path` when `data` is larger than ``maximumBytes`` or is
    ///   not an outcome.
    static func decode(_ data: Data, path: String) throws -> ReloadOutcome {
        guard data.count <= maximumBytes else {
            throw HostError("\(path) has more than \(maximumBytes >> 20) MiB; it is not a reload outcome")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(ReloadOutcome.self, from: data)
        } catch {
            throw HostError("\(path) is not a reload outcome (\(error.localizedDescription)); see the host's log")
        }
    }
}
