import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `aviary` command: runs many chat bots, one manifest each, in one process.
@main
struct Aviary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aviary",
        abstract: "A multi-tenant chat-bot host: one YAML manifest per bot in bots.d/.",
        subcommands: [
            RunCommand.self, CheckCommand.self, ReloadCommand.self, ImportLegacyCommand.self, AuditCommand.self,
            BackupCommand.self, RestoreCommand.self, BackupsCommand.self,
        ],
        defaultSubcommand: RunCommand.self)

    static func main() async {
        // A SIGHUP that arrives before the reload listener exists must not kill the process.
        signal(SIGHUP, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
