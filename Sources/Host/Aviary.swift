import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `aviary` command: runs many chat bots, one manifest each, in one process.
@main
struct Aviary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aviary",
        abstract: "A multi-tenant chat-bot host: one YAML manifest per bot in bots.d/.",
        version: AviaryVersion.current,
        subcommands: [
            RunCommand.self, CheckCommand.self, ReloadCommand.self, ImportLegacyCommand.self, AuditCommand.self,
            BackupCommand.self, RestoreCommand.self, BackupsCommand.self, MatrixCommand.self,
        ],
        defaultSubcommand: RunCommand.self)

    static func main() async {
        // A SIGHUP that arrives before the reload listener exists must not kill the process.
        signal(SIGHUP, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let refusal = topLevelRefusal(of: arguments, error: error) {
                FileHandle.standardError.write(Data(refusal.text.utf8))
                Glibc.exit(refusal.status)
            }
            exit(withError: error)
        }
    }

    /// The top level's answer when `arguments`, read as an implied `aviary run`, fail to parse:
    /// the error, then the top-level usage (not run's: `aviary --bogus` means the top level),
    /// and the exit status; `nil` when they parse, or name a subcommand, or ask for help.
    static func topLevelRefusal(of arguments: [String], error: (any Error)? = nil) -> (text: String, status: Int32)? {
        guard namesNoSubcommand(arguments) else { return nil }
        let failure: any Error
        if let error {
            failure = error
        } else {
            do {
                _ = try parseAsRoot(arguments)
                return nil
            } catch {
                failure = error
            }
        }
        let status = exitCode(for: failure)
        guard status != .success else { return nil }
        return ("Error: \(message(for: failure))\n\n\(helpMessage())\n", status.rawValue)
    }

    /// Whether `arguments` start with no subcommand's name (`run` is then implied).
    static func namesNoSubcommand(_ arguments: [String]) -> Bool {
        guard let first = arguments.first else { return true }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        return !names.contains(first)
    }
}
