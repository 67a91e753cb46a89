import Crypto
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Files that appear whole or not at all, and stay on disk once written: each is written to a
/// temporary file (`0600`) in its final folder, synced, renamed into place, and the folder is
/// synced, so a crash or a power cut leaves either the old state or the new file complete.
enum AtomicFile {
    /// How many bytes a copy reads at a time.
    static let chunkSize = 1 << 20

    /// Writes `data` to `path`, replacing nothing: an existing `path` is an error.
    static func write(_ data: Data, to path: String) throws {
        try place(at: path) { file in
            try data.withUnsafeBytes { try file.write($0) }
        }
    }

    /// Copies `source` to `path` (which must not exist) and returns what was written.
    @discardableResult
    static func copy(from source: String, to path: String) throws -> FileDigest {
        var digest = FileDigest()
        try place(at: path) { file in
            try read(source) { chunk in
                digest.add(chunk)
                try file.write(chunk)
            }
        }
        return digest
    }

    /// The SHA-256 and size of the file at `path`.
    static func digest(of path: String) throws -> FileDigest {
        var digest = FileDigest()
        try read(path) { digest.add($0) }
        return digest
    }

    /// Flushes the file or folder at `path` to disk.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("cannot sync", path) }
    }

    /// Creates `folder` (`0700`, with its parents) when missing; refuses a symbolic link or a file.
    static func createFolder(_ folder: String) throws {
        var info = stat()
        if lstat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw HostError("\(folder) is not a folder (a file or a symbolic link); choose another destination")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: folder,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw HostError("cannot create the folder \(folder): \(error)")
        }
    }

    /// Runs `fill` on a new temporary file beside `path`, then syncs it and renames it to `path`.
    private static func place(at path: String, _ fill: (Pending) throws -> Void) throws {
        let pending = try Pending(path)
        do {
            try fill(pending)
        } catch {
            pending.abandon()
            throw error
        }
        try pending.commit()
    }

    /// A file being written to a temporary name beside `path` (`0600`): ``commit()`` syncs it,
    /// renames it to `path` (which must not exist) and syncs the folder; ``abandon()`` removes it.
    struct Pending: Sendable {
        /// The final path.
        let path: String
        private let temporary: String
        private let descriptor: Int32

        /// Creates the temporary file.
        init(_ path: String) throws {
            self.path = path
            let folder = (path as NSString).deletingLastPathComponent
            temporary = (folder as NSString).appendingPathComponent(
                ".tmp-\(UUID().uuidString)-" + (path as NSString).lastPathComponent
            )
            descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw AtomicFile.failure("cannot create", temporary) }
        }

        /// Appends `bytes`.
        func write(_ bytes: UnsafeRawBufferPointer) throws {
            try AtomicFile.writeAll(descriptor, bytes, path: temporary)
        }

        /// Syncs the file, moves it to its path and syncs the folder.
        func commit() throws {
            guard fsync(descriptor) == 0 else {
                let error = AtomicFile.failure("cannot sync", temporary)
                abandon()
                throw error
            }
            close(descriptor)
            do {
                try AtomicFile.rename(temporary, to: path)
            } catch {
                unlink(temporary)
                throw error
            }
            let folder = (path as NSString).deletingLastPathComponent
            try AtomicFile.sync(folder.isEmpty ? "." : folder)
        }

        /// Closes and removes the temporary file.
        func abandon() {
            close(descriptor)
            unlink(temporary)
        }
    }

    /// Renames `source` to `target`, which must not exist (a hard link, then the old name removed:
    /// `rename` would silently replace a file of the same name).
    static func rename(_ source: String, to target: String) throws {
        guard link(source, target) == 0 else { throw failure("cannot create", target) }
        unlink(source)
    }

    /// Reads `path` in chunks of ``chunkSize``, refusing anything but a regular file.
    static func read(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open", path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw HostError("\(path) is not a regular file")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, chunkSize)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read", path) }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw failure("cannot write", path) }
            offset += written
        }
    }

    private static func failure(_ what: String, _ path: String) -> HostError {
        HostError("\(what) \(path): \(String(cString: strerror(errno)))")
    }
}

/// The SHA-256 and size of bytes seen so far.
struct FileDigest: Sendable {
    nonisolated(unsafe) private var hasher = SHA256()
    /// Bytes seen.
    private(set) var size: Int64 = 0

    /// Adds bytes.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        size += Int64(bytes.count)
    }

    /// The SHA-256 of every byte seen, in lowercase hex.
    var sha256: String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
