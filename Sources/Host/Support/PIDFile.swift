import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The running host's process id, written at start so `aviary reload` can signal it.
struct PIDFile: Sendable {
    /// Where the file lives.
    let path: String

    /// Writes this process's id (`0600`), creating the folder (`0700`) if needed.
    func write() throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        try "\(getpid())\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
    }

    /// Removes the file if it still names this process.
    func remove() {
        if (try? read()) == getpid() {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Reads the process id in the file.
    func read() throws -> pid_t {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw HostError("no pid file at \(path): is the host running? Pass --pid-file to name another file.")
        }
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else {
            throw HostError("the pid file \(path) does not hold a process id; delete it and restart the host.")
        }
        return pid
    }
}

/// A host-level failure with a message that says what to do.
struct HostError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
