import ArgumentParser
import Foundation

/// `aviary check`: validates every manifest of a folder; prints each error, or one line per bot.
///
/// Exits 0 when every manifest is valid, 1 on any error (also for a missing or empty folder).
/// Warnings (a placeholder token, an unset `api_key_env`) are printed and never change the exit.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the manifests in a folder; exit 1 on any error.",
        discussion: "Prints every error as file:line: key: message, or one line per valid bot."
    )

    @Option(name: .customLong("bots-dir"), help: "The folder of bot manifests (*.yaml, *.yml).")
    var botsDirectory: String = "bots.d"

    @Option(name: .customLong("config"), help: "The host config file to check as well (aviary.yaml).")
    var configPath: String?

    /// What `check` prints and how it exits.
    struct Report: Sendable, Equatable {
        /// The lines to print, in order.
        var lines: [String]
        /// 0 when every manifest is valid, 1 otherwise.
        var exitCode: Int32

        /// `self`'s lines after `earlier`'s; failing when either fails.
        func merged(after earlier: Report) -> Report {
            Report(lines: earlier.lines + lines, exitCode: max(earlier.exitCode, exitCode))
        }
    }

    func run() async throws {
        var report = Self.check(botsDirectory: botsDirectory, loader: ManifestLoader(registry: .builtIn()))
        if let configPath { report = Self.checkConfig(configPath).merged(after: report) }
        for line in report.lines { print(line) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// The host config's errors (the admin token file included), or one line saying it is valid.
    static func checkConfig(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Report
    {
        do {
            let config = try HostConfig.load(path: path, environment: environment)
            _ = try config.apiTokens(environment: environment)
            let tokens = counted(config.brandTokens.count, "brand token")
            return Report(lines: ["\(path): host config OK (\(tokens))"], exitCode: 0)
        } catch {
            return Report(lines: "\(error)".split(separator: "\n").map(String.init), exitCode: 1)
        }
    }

    /// Scans `botsDirectory` with `loader` and reports on it, with warnings read against the
    /// loader's environment.
    static func check(botsDirectory: String, loader: ManifestLoader) -> Report {
        report(for: loader.scan(directory: botsDirectory), directory: botsDirectory, environment: loader.environment)
    }

    /// The lines `check` prints for a scan: every error and a count, or one line per bot, then
    /// the valid bots' warnings (``CheckWarnings``), which never fail the check.
    static func report(for scan: ManifestScan, directory: String, environment: [String: String] = [:]) -> Report {
        if !scan.errors.isEmpty {
            let files = Set(scan.errors.map(\.file)).count
            let count = "\(counted(scan.errors.count, "error")) in \(counted(files, "file"))"
            return Report(lines: scan.errors.map(\.description) + [count], exitCode: 1)
        }
        if scan.bots.isEmpty {
            return Report(
                lines: ["\(directory): no manifests (*.yaml, *.yml); add one or pass --bots-dir"],
                exitCode: 1
            )
        }
        let width = scan.bots.map(\.manifest.id.count).max() ?? 0
        let lines = scan.bots.map { summary(of: $0.manifest, idWidth: width) }
        let warnings = scan.bots.flatMap { CheckWarnings.lines(for: $0, environment: environment) }
        let count = "\(counted(scan.bots.count, "bot")) OK" + (warnings.isEmpty ? "" : ", \(counted(warnings.count, "warning"))")
        return Report(lines: lines + warnings + [count], exitCode: 0)
    }

    /// `han-ru  telegram/polling  brand han  token 123456:***  plugins: admin, replies  (disabled)`;
    /// a value read from the environment shows as the `${…}` that read it.
    static func summary(of manifest: BotManifest, idWidth: Int) -> String {
        let manifest = manifest.shown
        var parts = [
            manifest.id.padding(toLength: idWidth, withPad: " ", startingAt: 0),
            "\(manifest.platform.rawValue)/\(manifest.receiveMode)",
        ]
        if let brand = manifest.brand { parts.append("brand \(brand)") }
        if let token = manifest.token { parts.append("token \(token)") }
        parts.append("plugins: " + manifest.plugins.map(\.instanceName).joined(separator: ", "))
        if !manifest.enabled { parts.append("(disabled)") }
        return parts.joined(separator: "  ")
    }

    private static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
