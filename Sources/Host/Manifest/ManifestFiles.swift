import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes and removes manifest and secret files so that a crash leaves either the old file or
/// the new one, never a part: a temporary file in the same folder, written and synced, renamed
/// over the old one, and the folder synced.
enum ManifestFiles {
    /// A file could not be written or removed.
    struct WriteError: Error, CustomStringConvertible {
        /// What failed, with the path.
        var description: String
    }

    /// Writes `data` to `path` atomically, the new file having `mode` (0600 for secrets).
    static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(name).tmp-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else { throw WriteError(description: "cannot create \(temporary): \(errnoText)") }
        var written = 0
        let ok = data.withUnsafeBytes { bytes -> Bool in
            while written < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += count
            }
            return fchmod(descriptor, mode) == 0 && fsync(descriptor) == 0
        }
        let error = errnoText
        close(descriptor)
        guard ok else {
            unlink(temporary)
            throw WriteError(description: "cannot write \(temporary): \(error)")
        }
        guard rename(temporary, path) == 0 else {
            let error = errnoText
            unlink(temporary)
            throw WriteError(description: "cannot rename \(temporary) to \(path): \(error)")
        }
        try syncFolder(folder)
    }

    /// Removes `path` (nothing there is no error) and syncs its folder.
    static func remove(_ path: String) throws(WriteError) {
        guard unlink(path) == 0 else {
            if errno == ENOENT { return }
            throw WriteError(description: "cannot remove \(path): \(errnoText)")
        }
        try syncFolder((path as NSString).deletingLastPathComponent)
    }

    /// Creates `folder` with `mode` when it is missing.
    static func ensureFolder(_ folder: String, mode: mode_t) throws(WriteError) {
        guard mkdir(folder, mode) == 0 || errno == EEXIST else {
            throw WriteError(description: "cannot create the folder \(folder): \(errnoText)")
        }
    }

    /// The file's bytes, or `nil` when there is no such file (or it is larger than `limit`).
    static func read(_ path: String, limit: Int) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: limit + 1) ?? Data(), data.count <= limit else { return nil }
        return data
    }

    /// The entity tag of a file's bytes: a quoted SHA-256 prefix.
    static func entityTag(of data: Data) -> String {
        "\"" + SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    private static func syncFolder(_ folder: String) throws(WriteError) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WriteError(description: "cannot open the folder \(folder): \(errnoText)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw WriteError(description: "cannot sync the folder \(folder): \(errnoText)")
        }
    }

    private static var errnoText: String { String(cString: strerror(errno)) }
}
