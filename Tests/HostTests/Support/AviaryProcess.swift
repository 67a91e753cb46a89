import Foundation
import Synchronization
import Tenant
#if canImport(Glibc)
import Glibc
#endif

/// The real `aviary` binary, run as a child process for end-to-end tests.
///
/// Its output is streamed into a ``LogCollector`` (and a file in the test's folder), so tests
/// await log lines and the exit instead of polling.
final class AviaryProcess: @unchecked Sendable {
    let process = Process()
    let output: LogCollector
    private let exited = StopSignal()

    /// The built binary: `$AVIARY_BIN`, or `.build/debug/aviary` in this package.
    static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["AVIARY_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/aviary").path
    }

    /// Starts `aviary <arguments>` with `environment` added to a minimal environment (plus the
    /// coverage profile's path in a coverage run, so the binary counts too).
    init(arguments: [String], environment: [String: String] = [:], logPath: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binaryPath) else {
            throw HarnessError("no aviary binary at \(Self.binaryPath): run `swift build` first or set AVIARY_BIN")
        }
        output = try LogCollector(filePath: logPath)
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = arguments
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        if let profile = ProcessInfo.processInfo.environment["LLVM_PROFILE_FILE"] { env["LLVM_PROFILE_FILE"] = profile }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardError = output.pipe
        process.standardOutput = output.pipe
        let exited = self.exited
        process.terminationHandler = { _ in exited.fire() }
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }

    /// Sends a signal.
    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit, at most `timeout`; kills it if it does not.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.exited.wait(); return true }
            group.addTask { try? await Task.sleep(for: timeout); return false }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        guard finished else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw HarnessError("aviary did not exit within \(timeout); log:\n\(log)")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Kills the process at once, as a crash would.
    func crash() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// What the process logged so far.
    var log: String { output.text }

    /// Waits until the log contains `text` at least `count` times, at most `timeout`.
    func waitForLog(_ text: String, count: Int = 1, timeout: Duration = .seconds(30)) async throws {
        guard await output.wait(for: text, count: count, timeout: timeout) else {
            throw HarnessError("aviary did not log '\(text)' \(count)× within \(timeout); log:\n\(log)")
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }
}

/// A test-harness failure with a message.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A temporary folder with `bots.d/` and `data/` for one test.
struct HostSandbox {
    let root: URL
    var botsDirectory: String { root.appendingPathComponent("bots.d").path }
    var dataDirectory: String { root.appendingPathComponent("data").path }
    var logPath: String { root.appendingPathComponent("aviary.log").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            atPath: root.appendingPathComponent("bots.d").path, withIntermediateDirectories: true)
    }

    /// Writes (or replaces) `bots.d/<id>.yaml`.
    func writeManifest(_ id: String, _ yaml: String) throws {
        try yaml.write(toFile: "\(botsDirectory)/\(id).yaml", atomically: true, encoding: .utf8)
    }

    /// Removes `bots.d/<id>.yaml`.
    func removeManifest(_ id: String) throws {
        try FileManager.default.removeItem(atPath: "\(botsDirectory)/\(id).yaml")
    }

    /// The `aviary run` arguments for this sandbox.
    var runArguments: [String] {
        ["run", "--bots-dir", botsDirectory, "--data-dir", dataDirectory, "--shutdown-timeout", "10", "--http-port", "0"]
    }
}
