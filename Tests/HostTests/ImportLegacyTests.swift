import Foundation
import Testing
import Tenant
import Storage
import GRDB

/// `aviary import-legacy` with the real binary, on the companion's sample legacy folder.
@Suite("End to end: import-legacy", .timeLimit(.minutes(5)))
struct ImportLegacyTests {
    /// The sample legacy folder of the plugin tests: two profiles, two logs, a backup and a
    /// malformed log.
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PluginsTests/Companion/Fixtures/legacy").path

    /// Runs `aviary import-legacy` with `arguments`, waits for its last line (`lastLine`) and its
    /// exit, and returns its exit status and output.
    static func importLegacy(_ sandbox: HostSandbox, _ arguments: [String], lastLine: String = "files: ")
        async throws -> (Int32, String)
    {
        let process = try AviaryProcess(
            arguments: ["import-legacy", "--bots-dir", sandbox.botsDirectory, "--data-dir", sandbox.dataDirectory]
                + arguments,
            logPath: sandbox.root.appendingPathComponent("import-\(UUID().uuidString).log").path)
        try await process.waitForLog(lastLine)
        let status = try await process.waitForExit()
        return (status, process.log)
    }

    @Test("the sample folder imports with the expected counts, twice in a row, naming the malformed file")
    func importsTwice() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("anna-bot", "platform: sandbox\nplugins:\n  - companion: { base_url: offline }\n")
        let (firstStatus, first) = try await Self.importLegacy(sandbox, ["--from", Self.sample, "--bot", "anna-bot"])
        #expect(firstStatus == 1, "a bad file makes the exit status 1; the others are imported")
        #expect(first.contains("conversations/broken.json: not valid JSON"), "\(first)")
        #expect(first.contains("profiles: 2 imported, 0 already there"), "\(first)")
        #expect(first.contains("messages: 7 imported, 2 already there, 2 skipped (no text or unknown sender)"))
        #expect(first.contains("files: 6 read, 1 bad"))

        let (secondStatus, second) = try await Self.importLegacy(sandbox, ["--from", Self.sample, "--bot", "anna-bot"])
        #expect(secondStatus == 1)
        #expect(second.contains("profiles: 0 imported, 2 already there"), "\(second)")
        #expect(second.contains("messages: 0 imported, 9 already there, 2 skipped (no text or unknown sender)"))

        let database = try DatabaseQueue(path: sandbox.dataDirectory + "/anna-bot.sqlite")
        let (turns, profiles) = try await database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM companion_turns") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM companion_profiles") ?? -1
            )
        }
        #expect(turns == 7 && profiles == 2)
    }

    @Test("a bot without a manifest, or without the companion plugin, is refused with what to do")
    func refusesOtherBots() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("echo-bot", "platform: sandbox\nplugins: [echo]\n")
        let (missingStatus, missing) = try await Self.importLegacy(
            sandbox, ["--from", Self.sample, "--bot", "nobody"], lastLine: "--bots-dir")
        #expect(missingStatus != 0)
        #expect(missing.contains("no valid manifest with id 'nobody'"), "\(missing)")
        #expect(missing.contains("bots there: echo-bot"))
        let (echoStatus, echo) = try await Self.importLegacy(
            sandbox, ["--from", Self.sample, "--bot", "echo-bot"], lastLine: "first")
        #expect(echoStatus != 0)
        #expect(echo.contains("bot 'echo-bot' does not enable the companion plugin"), "\(echo)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.dataDirectory + "/echo-bot.sqlite"))
    }
}
