import Foundation
import PropertyBased
import Testing

/// `aviary import-legacy` writes only where the host would: a manifest's `database:` that a
/// symbolic link (to a folder or a file, by an absolute or a relative target, at any depth)
/// leads out of `--data-dir` is refused before anything is opened or created, while a link that
/// stays inside the data folder is followed as the host follows it.
@Suite("import-legacy database location: hostile input", .serialized, .timeLimit(.minutes(5)))
struct ImportLegacyHostileInputTests {
    /// Where the link points.
    enum Target: CaseIterable {
        case folderOutsideAbsolute, folderOutsideRelative, fileOutside, folderInside
    }

    @Test("any database path a link leads out of the data folder is refused and nothing is written there")
    func linkedDatabases() async throws {
        let names = Gen.lowercaseLetter.string(of: 1...6)
        await propertyCheck(count: 16, input: names.array(of: 0...2), names.array(of: 0...2), Gen<Target>.case) {
            prefix, suffix, target in
            try await Self.check(prefix: prefix, suffix: suffix, target: target)
        }
    }

    /// Builds a sandbox whose manifest's database is `<prefix>/link/<suffix>/anna.sqlite` (for
    /// `fileOutside`, `<prefix>/anna.sqlite` is the link), runs the import, and checks the outcome.
    static func check(prefix: [String], suffix: [String], target: Target) async throws {
        let sandbox = try HostSandbox()
        let manager = FileManager.default
        let elsewhere = sandbox.root.appendingPathComponent("elsewhere").path
        let folder = ([sandbox.dataDirectory] + prefix).joined(separator: "/")
        try manager.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let database: String
        switch target {
        case .fileOutside:
            try Data().write(to: URL(fileURLWithPath: elsewhere + "/x.sqlite"))
            try manager.createSymbolicLink(
                atPath: folder + "/anna.sqlite", withDestinationPath: elsewhere + "/x.sqlite")
            database = (prefix + ["anna.sqlite"]).joined(separator: "/")
        case .folderOutsideAbsolute, .folderOutsideRelative, .folderInside:
            let destination =
                switch target {
                case .folderOutsideAbsolute: elsewhere
                case .folderOutsideRelative: String(repeating: "../", count: prefix.count + 1) + "elsewhere"
                default: sandbox.dataDirectory + "/real"
                }
            try manager.createDirectory(atPath: sandbox.dataDirectory + "/real", withIntermediateDirectories: true)
            try manager.createSymbolicLink(atPath: folder + "/link", withDestinationPath: destination)
            database = (prefix + ["link"] + suffix + ["anna.sqlite"]).joined(separator: "/")
        }
        try sandbox.writeManifest(
            "anna-bot", "platform: sandbox\ndatabase: \(database)\nplugins:\n  - companion: { base_url: offline }\n")
        let legacy = try ImportLegacyDatabasePromiseTests.annaFolder(in: sandbox)
        let outside = target != .folderInside
        let (status, output) = try await Self.importLegacy(sandbox, ["--from", legacy, "--bot", "anna-bot"])
        if outside {
            #expect(status != 0, "\(database): \(output)")
            #expect(output.contains("outside the data folder, through a symbolic link"), "\(database): \(output)")
            let written = try manager.subpathsOfDirectory(atPath: elsewhere)
            #expect(written == (target == .fileOutside ? ["x.sqlite"] : []), "\(database)")
            if target == .fileOutside {
                #expect(try Data(contentsOf: URL(fileURLWithPath: elsewhere + "/x.sqlite")).isEmpty, "left untouched")
            }
        } else {
            #expect(status == 0, "\(database): \(output)")
            let real = ([sandbox.dataDirectory, "real"] + suffix + ["anna.sqlite"]).joined(separator: "/")
            #expect(try await ImportLegacyDatabasePromiseTests.turnCount(at: real) == 2, "\(database)")
        }
        try? manager.removeItem(at: sandbox.root)
    }

    /// Runs `aviary import-legacy` with `arguments` until it printed its last line, the refusal's
    /// or the counts', and exited; returns its exit status and output.
    static func importLegacy(_ sandbox: HostSandbox, _ arguments: [String]) async throws -> (Int32, String) {
        let process = try AviaryProcess(
            arguments: ["import-legacy", "--bots-dir", sandbox.botsDirectory, "--data-dir", sandbox.dataDirectory]
                + arguments,
            logPath: sandbox.root.appendingPathComponent("import.log").path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for ending in ["`database:`", "files: "] {
                group.addTask { try await process.waitForLog(ending) }
            }
            try await group.next()
            group.cancelAll()
        }
        return (try await process.waitForExit(), process.log)
    }
}
