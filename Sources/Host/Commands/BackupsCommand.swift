import ArgumentParser
import Foundation

/// `aviary backups list`: the snapshots a destination holds.
struct BackupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backups",
        abstract: "Look at backups.",
        subcommands: [List.self]
    )

    /// `aviary backups list --from DEST [--bot ID]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the snapshots in a folder or an S3 bucket, oldest first, with what each holds."
        )

        @Option(name: .customLong("from"), help: "The backups: a folder, or s3://BUCKET/PREFIX?endpoint=…")
        var source: String

        @Option(name: .customLong("bot"), help: "Only this bot's snapshots.")
        var botID: String?

        func run() async throws {
            let destination = try BackupDestination.option(source, named: "--from")
            let (entries, problems) = try await destination.store.list(botID: botID)
            for line in Self.lines(entries) { print(line) }
            for problem in problems { print(problem) }
            print(
                "\(entries.count) snapshot(s) in \(destination)"
                    + (problems.isEmpty ? "" : ", \(problems.count) unreadable")
            )
        }

        /// One line per snapshot: name, brand, size, Telegram offset, pending work, checksum.
        static func lines(_ entries: [CatalogEntry]) -> [String] {
            let width = entries.map(\.name.count).max() ?? 0
            return entries.map { entry in
                let padded = entry.name.padding(toLength: width, withPad: " ", startingAt: 0)
                return
                    "\(padded)  brand \(entry.brand ?? "-")  \(entry.size) bytes  offset \(entry.pollOffset.map(String.init) ?? "-")"
                    + "  pending \(entry.pendingUpdates) update(s), \(entry.pendingReplies) repl(ies)"
                    + "  sha256 \(entry.sha256.prefix(16))…"
            }
        }
    }
}
