import Foundation
import Testing

/// The real binary: one host per data folder, and `aviary reload` signals only a live host.
@Suite("Host lock end to end", .serialized, .timeLimit(.minutes(5)))
struct HostLockEndToEndTests {
    @Test("a second host on the same data folder refuses to start and names the first")
    func secondHostRefused() async throws {
        let sandbox = try HostSandbox()
        let first = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        try await first.waitForLog("http listening")
        let second = try AviaryProcess(
            arguments: sandbox.runArguments, logPath: sandbox.root.appendingPathComponent("second.log").path)
        #expect(try await second.waitForExit() != 0)
        #expect(second.log.contains("another aviary host (process \(first.pid)) is running"), "\(second.log)")

        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
        let reload = try AviaryProcess(
            arguments: ["reload", "--pid-file", sandbox.dataDirectory + "/aviary.pid"],
            logPath: sandbox.root.appendingPathComponent("reload.log").path)
        #expect(try await reload.waitForExit() != 0)
        #expect(reload.log.contains("no pid file"), "\(reload.log)")
    }

    @Test("reload refuses a pid file left by a host that is gone instead of signalling its old process id")
    func stalePidFileNotSignalled() async throws {
        let sandbox = try HostSandbox()
        try FileManager.default.createDirectory(atPath: sandbox.dataDirectory, withIntermediateDirectories: true)
        // An unrelated process that now has the dead host's id; SIGHUP would end it.
        let bystander = Process()
        bystander.executableURL = URL(fileURLWithPath: "/bin/sleep")
        bystander.arguments = ["60"]
        try bystander.run()
        defer { bystander.terminate() }
        let pidFile = sandbox.dataDirectory + "/aviary.pid"
        try "\(bystander.processIdentifier)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        let reload = try AviaryProcess(
            arguments: ["reload", "--pid-file", pidFile], logPath: sandbox.root.appendingPathComponent("reload.log").path)
        #expect(try await reload.waitForExit() != 0)
        #expect(reload.log.contains("no host is running"), "\(reload.log)")
        #expect(bystander.isRunning)
    }
}
