import Foundation

/// Counts what this process holds open of bot databases, read from `/proc/self/fd`.
enum DatabaseDescriptors {
    /// The descriptors this process holds on the database at `path`, its WAL and its index.
    static func count(on path: String) throws -> Int {
        let names = [path, path + "-wal", path + "-shm"]
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
            else { return false }
            return names.contains(target)
        }.count
    }

    /// A fresh folder under the temporary directory, for one test's databases.
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("aviary-fds-\(UUID().uuidString)")
    }
}

extension DatabaseDescriptors {
    /// The descriptors this process holds on files inside `folder`.
    static func count(inside folder: URL) throws -> Int {
        let prefix = folder.path + "/"
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"))?.hasPrefix(prefix)
                ?? false
        }.count
    }
}
