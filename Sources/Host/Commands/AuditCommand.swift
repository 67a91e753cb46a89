import ArgumentParser
import Foundation
import Logging
import Storage

/// `aviary audit`: the host's audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the host's audit log.",
        subcommands: [Verify.self]
    )

    /// `aviary audit verify`: walks the hash chain of the audit log.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that no record of the audit log was changed, removed or reordered; exit 1 if one was."
        )

        @Option(name: .customLong("data-dir"), help: "The host's data folder (holding host.sqlite).")
        var dataDirectory: String = "data"

        func run() async throws {
            let path = (dataDirectory as NSString).appendingPathComponent(HostDatabase.fileName)
            guard FileManager.default.fileExists(atPath: path) else {
                throw HostError("\(path) does not exist: no host ran with --data-dir \(dataDirectory)")
            }
            let log = AuditLog(
                database: try HostDatabase.open(dataDirectory: dataDirectory),
                logger: Logger(label: "audit")
            )
            switch try await log.verify() {
            case .intact(let records):
                print("audit log intact: \(records) record(s), each chained to the one before")
            case .broken(let id, let reason):
                print("audit log broken at record \(id): \(reason)")
                throw ExitCode(1)
            }
        }
    }
}
