import Foundation

/// Where the host finds its manifests and keeps its data, from the command line.
struct HostOptions: Sendable, Equatable {
    /// The folder of bot manifests.
    var botsDirectory: String
    /// The folder of per-bot databases and the pid file.
    var dataDirectory: String

    /// The pid file `aviary reload` reads by default.
    var pidFilePath: String { (dataDirectory as NSString).appendingPathComponent("aviary.pid") }

    /// The database file of a bot: the manifest's `database` (relative to the data folder) or `<id>.sqlite`.
    func databasePath(for manifest: BotManifest) -> String {
        let path = manifest.database ?? "\(manifest.id).sqlite"
        if path.hasPrefix("/") { return path }
        return (dataDirectory as NSString).appendingPathComponent(path)
    }
}
