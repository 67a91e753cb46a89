import AsyncHTTPClient
import FakeBotAPI
import Foundation
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// A process under measurement, in a temporary folder of its own with its log, answering
/// `/readyz` on a loopback port of its own; its CPU time and memory come from `/proc`.
final class ChildProcess: @unchecked Sendable {
    /// What it is, in messages and file names: `aviary` or `aiogram`.
    let name: String
    /// Its folder, removed when it stops cleanly.
    let root: URL
    /// Its HTTP port: `/readyz`, and webhooks in webhook mode.
    let port: Int
    let process = Process()

    var logFile: URL { root.appendingPathComponent("\(name).log") }

    /// Makes the folder and picks the port; nothing runs until ``run(_:arguments:)``.
    init(name: String) throws {
        self.name = name
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-bench-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        port = try LoopbackPort.unused()
    }

    /// Starts `executable` with `arguments`, its output going to ``logFile``.
    func run(_ executable: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        // A coverage-instrumented build writes its profile where this says (scripts/test.sh),
        // not into the working folder.
        if let profile = ProcessInfo.processInfo.environment["LLVM_PROFILE_FILE"] {
            environment["LLVM_PROFILE_FILE"] = profile
        }
        process.environment = environment
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw BenchError("cannot create \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Waits until `/readyz` answers 200; returns how long that took from now.
    func waitUntilReady(timeout: Duration) async throws -> Duration {
        let started = ContinuousClock.now
        let deadline = started + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchError("\(name) exited early; its log: \(keepLog())") }
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status == .ok {
                return ContinuousClock.now - started
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("\(name) was not ready within \(timeout); its log: \(logFile.path)")
    }

    /// User plus system CPU time the process used so far, in seconds.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime field 14, stime field 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory now (`VmRSS`) and at its peak (`VmHWM`), in bytes.
    func memory() -> (resident: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else {
            return (0, 0)
        }
        func kilobytes(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (kilobytes("VmRSS"), kilobytes("VmHWM"))
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Stops the process (SIGTERM, then SIGKILL after 30 s) and removes its folder. Throws when
    /// it had already ended, did not stop within 30 s, or exited with a non-zero status: a
    /// measurement of a process that failed is no measurement. Its log is kept in that case.
    func stop() async throws {
        let wasRunning = process.isRunning
        send(SIGTERM)
        let signalled = ContinuousClock.now
        let deadline = signalled + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let drained = !process.isRunning
        if wasRunning, drained {
            let seconds = (ContinuousClock.now - signalled).milliseconds / 1000
            FileHandle.standardError.write(Data("\(name): stopped \(String(format: "%.1f", seconds)) s after SIGTERM\n".utf8))
        }
        if !drained {
            send(SIGKILL)
            process.waitUntilExit()
        }
        let status = process.terminationStatus
        guard wasRunning, drained, process.terminationReason == .exit, status == 0 else {
            let log = keepLog()
            let how = !wasRunning ? "had ended before it was stopped"
                : !drained ? "did not stop within 30 s of SIGTERM"
                : process.terminationReason == .uncaughtSignal ? "ended by signal \(status)"
                : "exited with status \(status)"
            throw BenchError("\(name) \(how); its log: \(log)")
        }
        try? FileManager.default.removeItem(at: root)
    }

    /// Copies the log next to the folder, removes the folder, and returns the copy's path.
    private func keepLog() -> String {
        let log = root.deletingLastPathComponent().appendingPathComponent("aviary-bench-failed-\(name).log")
        try? FileManager.default.removeItem(at: log)
        try? FileManager.default.copyItem(at: logFile, to: log)
        try? FileManager.default.removeItem(at: root)
        return log.path
    }
}
