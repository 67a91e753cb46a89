import ArgumentParser
import Foundation
import Plugins
import Storage

/// `aviary import-legacy`: copies the old assistant's profiles and conversations into one bot's
/// companion tables.
///
/// The bot's database is opened the way the host opens it (the same path from `--data-dir` and
/// the manifest, the same migrations, the same refusal of a database a symbolic link leads out of
/// the data folder), so the import may run before the bot's first start. The mapping from legacy
/// JSON to rows is the companion plugin's (``CompanionLegacyImport``).
struct ImportLegacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-legacy",
        abstract: "Import the old assistant's profiles and conversations into a bot's companion tables.",
        discussion: """
            Reads girls_data/<chat_id>.json, conversations/<chat_id>.json and backups/<chat_id>/<date>.json \
            from the --from folder. Running it again adds nothing new. Prints each bad file with the reason, \
            then the counts; exits 1 when a file was bad (the others are imported).
            """)

    @Option(name: .customLong("from"), help: "The old assistant's data folder.")
    var legacyDirectory: String

    @Option(name: .customLong("bot"), help: "The id of the bot to import into; its manifest must enable companion.")
    var botID: String

    @Option(name: .customLong("bots-dir"), help: "The folder of bot manifests.")
    var botsDirectory: String = "bots.d"

    @Option(name: .customLong("data-dir"), help: "The folder of bot databases.")
    var dataDirectory: String = "data"

    func run() async throws {
        let bot = try Self.companionBot(id: botID, botsDirectory: botsDirectory)
        let options = HostOptions(botsDirectory: botsDirectory, dataDirectory: dataDirectory, publicURL: nil)
        let path = options.databasePath(for: bot.manifest)
        if let outside = DatabaseLocation.escape(of: path, from: dataDirectory) {
            throw HostError(
                "bot '\(botID)': its database '\(bot.manifest.databaseFile)' leads to \(outside), outside the data "
                    + "folder, through a symbolic link; databases stay inside --data-dir: remove the link or change "
                    + "`database:`")
        }
        let store = try await BotStore.open(path: path, plugins: bot.migrations, databases: OpenDatabases(limit: 1))
        print("importing \(legacyDirectory) into bot \(botID) (\(path))")
        let importer = CompanionLegacyImport(directory: legacyDirectory)
        let report: LegacyImportReport
        do {
            report = try await store.withDatabase { try await importer.run(into: $0, now: Date()) }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        for line in report.lines { print(line) }
        if !report.problems.isEmpty { throw ExitCode(1) }
    }

    /// The valid manifest with id `id`, which must list the companion plugin.
    ///
    /// - Throws: ``HostError`` naming what is missing: the manifest, its validity, or the plugin.
    static func companionBot(id: String, botsDirectory: String) throws -> LoadedBot {
        let scan = ManifestLoader(registry: .builtIn()).scan(directory: botsDirectory)
        guard let bot = scan.bots.first(where: { $0.manifest.id == id }) else {
            let errors = scan.errors.map(\.description)
            let known = scan.bots.map(\.manifest.id).sorted().joined(separator: ", ")
            let detail =
                errors.isEmpty ? "bots there: \(known.isEmpty ? "none" : known)" : errors.joined(separator: "\n")
            throw HostError(
                "no valid manifest with id '\(id)' in \(botsDirectory) (\(detail)); check --bot and --bots-dir")
        }
        guard bot.manifest.plugins.contains(where: { $0.name == CompanionPlugin.name }) else {
            throw HostError(
                "bot '\(id)' does not enable the companion plugin; add '- companion: {…}' to its plugins in "
                    + "\(bot.manifest.file) first")
        }
        return bot
    }
}
