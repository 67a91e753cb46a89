import ArgumentParser
import Foundation

/// Where `aviary backup` and `aviary restore` find the bots and, when a host runs on the data
/// folder, how they reach it.
struct HostAccessOptions: ParsableArguments {
    @Option(name: .customLong("bots-dir"), help: "The folder of bot manifests.")
    var botsDirectory: String = "bots.d"

    @Option(name: .customLong("data-dir"), help: "The folder of bot databases.")
    var dataDirectory: String = "data"

    @Option(name: .customLong("api"), help: "The management API of a host running on --data-dir.")
    var apiURL: String = "http://127.0.0.1:8080"

    @Option(
        name: .customLong("admin-token-file"),
        help: "The admin token for --api, when AVIARY_ADMIN_TOKEN is not set (default <data-dir>/admin.token)."
    )
    var adminTokenFile: String?

    /// The host options these paths make.
    var hostOptions: HostOptions {
        HostOptions(botsDirectory: botsDirectory, dataDirectory: dataDirectory, publicURL: nil)
    }
}

/// How a command reaches a bot's database: alone on a stopped data folder (holding the
/// folder's lock, so no host starts meanwhile), or through the host that runs on it.
enum HostAccess {
    /// No host runs: the command holds the data folder's lock until ``release()``.
    case alone(PIDFile.Lock)
    /// A host runs: the command goes through its management API.
    case host(HostAPIClient)

    /// Takes the data folder's lock, or, when a host holds it, prepares its API client.
    static func acquire(_ options: HostAccessOptions) throws -> HostAccess {
        let pidFile = PIDFile(path: options.hostOptions.pidFilePath)
        do {
            return .alone(try pidFile.lock())
        } catch {
            guard (try? pidFile.runningHost()) != nil else { throw error }
            return .host(
                try HostAPIClient.resolve(
                    baseURL: options.apiURL,
                    tokenFile: options.adminTokenFile,
                    dataDirectory: options.dataDirectory
                )
            )
        }
    }

    /// Gives the data folder's lock back, when the command held it.
    func release() {
        if case .alone(let lock) = self { lock.release() }
    }
}
