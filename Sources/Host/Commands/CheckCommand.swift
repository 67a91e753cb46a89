import ArgumentParser
import Foundation

/// `aviary check`: validates every manifest; prints each error, or one line per bot.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the manifests in a folder; exit 1 on any error.")

    @Option(name: .customLong("bots-dir"), help: "The folder of bot manifests.")
    var botsDirectory: String = "bots.d"

    func run() throws {
        let (lines, ok) = Self.report(for: ManifestLoader(registry: .builtIn()).scan(directory: botsDirectory),
                                      directory: botsDirectory)
        for line in lines { print(line) }
        if !ok { throw ExitCode(1) }
    }

    /// The lines `check` prints for a scan, and whether it passed.
    static func report(for scan: ManifestScan, directory: String) -> (lines: [String], ok: Bool) {
        if !scan.errors.isEmpty {
            let files = Set(scan.errors.map(\.file)).count
            return (scan.errors.map(\.description) + ["\(scan.errors.count) error(s) in \(files) file(s)"], false)
        }
        if scan.bots.isEmpty {
            return (["\(directory): no manifests (*.yaml, *.yml) found"], false)
        }
        let width = scan.bots.map(\.manifest.id.count).max() ?? 0
        let lines = scan.bots.map { bot -> String in
            let manifest = bot.manifest
            let id = manifest.id.padding(toLength: width, withPad: " ", startingAt: 0)
            let where_ = "\(manifest.platform.rawValue)/\(manifest.telegram.mode.rawValue)"
            let plugins = manifest.plugins.map(\.name).joined(separator: ", ")
            let brand = manifest.brand.map { "  brand \($0)" } ?? ""
            let token = manifest.token.map { "  token \($0)" } ?? ""
            return "\(id)  \(where_)\(brand)\(token)  plugins: \(plugins)\(manifest.enabled ? "" : "  (disabled)")"
        }
        return (lines + ["\(scan.bots.count) bot(s) OK"], true)
    }
}
