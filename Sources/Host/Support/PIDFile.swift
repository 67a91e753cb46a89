import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The running host's process id, written at start so `aviary reload` can signal it, and
/// locked for the host's whole life so one data folder has one host.
///
/// The lock is an advisory `flock` on the pid file itself, which the kernel drops when the
/// process ends however it ends (SIGKILL included): a stale file left by a crash is never
/// mistaken for a running host.
struct PIDFile: Sendable {
    /// Where the file lives.
    let path: String

    /// Creates the file (`0600`, in a `0700` folder when the folder is new), takes its lock and
    /// writes this process's id into it.
    ///
    /// - Throws: ``HostError`` naming the other host's process when another host holds the lock.
    func lock() throws -> Lock {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw HostError("cannot open the pid file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let other = (try? read()).map { " (process \($0))" } ?? ""
            close(descriptor)
            throw HostError(
                "another aviary host\(other) is running on the data folder \(folder.isEmpty ? "." : folder); "
                    + "stop it first, or give this one its own --data-dir")
        }
        guard Self.isStillLinked(descriptor, at: path) else {
            // A host that was stopping removed the file between our open and our lock: the lock
            // we hold is on a file nobody else will see. Start over on the path as it is now.
            close(descriptor)
            return try lock()
        }
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(descriptor, 0) == 0, text.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, $0.count, 0) }) == text.count
        else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw HostError("cannot write the pid file \(path): \(reason)")
        }
        return Lock(path: path, descriptor: descriptor)
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

    /// The process id of the host that holds the file's lock now.
    ///
    /// - Throws: ``HostError`` when no host holds it: the file is missing, or it was left by a
    ///   host that is gone, whose process id may since belong to an unrelated process.
    func runningHost() throws -> pid_t {
        let pid = try read()
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw HostError("cannot open the pid file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            throw HostError(
                "no host is running on \(path): the file is left from a host that stopped (it named process \(pid), "
                    + "which is not signalled); start the host with `aviary run`")
        }
        return pid
    }

    /// Whether `path` still names the file open as `descriptor`.
    private static func isStillLinked(_ descriptor: Int32, at path: String) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(descriptor, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// The pid file's lock, held until ``release()`` or the process ends.
    final class Lock: Sendable {
        private let path: String
        private let descriptor: Int32

        fileprivate init(path: String, descriptor: Int32) {
            self.path = path
            self.descriptor = descriptor
        }

        /// Removes the file, then drops the lock. A host that opened the file just before sees
        /// that it was removed once it gets the lock, and starts over on a new file.
        func release() {
            unlink(path)
            close(descriptor)
        }
    }
}

/// A host-level failure with a message that says what to do.
struct HostError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
