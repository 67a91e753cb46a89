import Foundation
import Testing
@testable import Host

/// The real binary's command line as a new user tries it (#18 item 6): `--version`, a mistyped
/// top-level flag, and `aviary reload` printing what the running host did.
@Suite("Command line end to end", .serialized, .timeLimit(.minutes(5)))
struct CommandLineEndToEndTests {
    static func sandboxManifest(_ id: String) -> String {
        "id: \(id)\nplatform: sandbox\nplugins:\n  - replies:\n      commands:\n        start: \"Hi\"\n"
    }

    /// Runs `aviary <arguments>` to its end: its status and everything it printed.
    static func aviary(_ arguments: [String], in sandbox: HostSandbox, log: String) async throws -> (Int32, String) {
        let process = try AviaryProcess(arguments: arguments, logPath: sandbox.root.appendingPathComponent(log).path)
        let status = try await process.waitForExit()
        return (status, process.log)
    }

    @Test("--version prints the version; an unknown top-level flag prints the top-level usage with the error")
    func versionAndUnknownFlag() async throws {
        let sandbox = try HostSandbox()
        let (status, version) = try await Self.aviary(["--version"], in: sandbox, log: "version.log")
        #expect(status == 0)
        #expect(version.trimmingCharacters(in: .whitespacesAndNewlines) == AviaryVersion.current)

        let (failed, usage) = try await Self.aviary(["--bogus"], in: sandbox, log: "bogus.log")
        #expect(failed == 64, "\(usage)")
        #expect(usage.contains("Unknown option '--bogus'"), "\(usage)")
        #expect(usage.contains("SUBCOMMANDS"), "\(usage)")
        #expect(!usage.contains("--http-port"), "the top level's usage, not run's: \(usage)")
    }

    @Test("the reproduction: aviary reload prints what the host started and kept, finding the host by --data-dir")
    func reloadPrintsOutcome() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("alpha", Self.sandboxManifest("alpha"))
        let host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        try await host.waitForLog("reload: 1 started")

        try sandbox.writeManifest("beta", Self.sandboxManifest("beta"))
        try sandbox.writeManifest("alpha", Self.sandboxManifest("alpha") + "plugns: []\n")
        let (status, output) = try await Self.aviary(
            ["reload", "--data-dir", sandbox.dataDirectory], in: sandbox, log: "reload.log")
        #expect(status == 1, "errors make the exit status 1: \(output)")
        #expect(output.contains("1 started (beta)"), "\(output)")
        #expect(output.contains("kept last good: alpha"), "\(output)")
        #expect(output.contains("error: ") && output.contains("alpha.yaml") && output.contains("plugns"), "\(output)")

        try sandbox.writeManifest("alpha", Self.sandboxManifest("alpha"))
        let (fixed, clean) = try await Self.aviary(
            ["reload", "--data-dir", sandbox.dataDirectory], in: sandbox, log: "reload-2.log")
        #expect(fixed == 0, "\(clean)")
        #expect(clean.contains("2 unchanged; 0 manifest error(s)"), "\(clean)")

        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }
}
