import Foundation
import Testing
@testable import Host

/// One host per data folder: the pid file's lock.
@Suite("PID file lock")
struct PIDFileTests {
    private static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-pid-\(UUID().uuidString)/aviary.pid").path
    }

    @Test("a second lock on the same file is refused, naming the running host")
    func secondHostRefused() throws {
        let path = Self.temporaryPath()
        let held = try PIDFile(path: path).lock()
        defer { held.release() }
        let error = #expect(throws: HostError.self) { try PIDFile(path: path).lock() }
        #expect(error?.description.contains("another aviary host (process \(getpid())) is running") == true)
        #expect(try PIDFile(path: path).runningHost() == getpid())
    }

    @Test("the file is 0600 and holds this process's id; release removes it and frees the folder")
    func releaseFrees() throws {
        let path = Self.temporaryPath()
        let held = try PIDFile(path: path).lock()
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try PIDFile(path: path).read() == getpid())
        held.release()
        #expect(!FileManager.default.fileExists(atPath: path))
        let again = try PIDFile(path: path).lock()
        again.release()
    }

    @Test("a file left by a host that is gone is not signalled: reload says no host runs")
    func staleFileIsNotAHost() throws {
        let path = Self.temporaryPath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // A crashed host's file: its process id may belong to anything now (here: init).
        try "1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: HostError.self) { try PIDFile(path: path).runningHost() }
        #expect(error?.description.contains("no host is running") == true)
        // A new host takes the stale file over.
        let held = try PIDFile(path: path).lock()
        #expect(try PIDFile(path: path).runningHost() == getpid())
        held.release()
    }
}
