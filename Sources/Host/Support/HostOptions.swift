import Foundation

/// Where the host finds its manifests, keeps its data and serves HTTP, from the command line.
struct HostOptions: Sendable, Equatable {
    /// The folder of bot manifests.
    var botsDirectory: String
    /// The folder of per-bot databases, the pid file and the host secret.
    var dataDirectory: String
    /// The address Telegram reaches this host at (`https://bots.example.com`); webhook bots
    /// register `<publicURL>/webhook/<id>`. `nil` when no bot uses webhooks.
    var publicURL: URL?
    /// How long a stopping bot keeps sending its pending replies (`--flush-timeout`, 5 s).
    var flushTimeout: Duration = .seconds(5)

    /// The pid file `aviary reload` reads by default.
    var pidFilePath: String { (dataDirectory as NSString).appendingPathComponent("aviary.pid") }

    /// The file holding the host secret that webhook secrets are derived from.
    var hostSecretPath: String { (dataDirectory as NSString).appendingPathComponent("host.secret") }

    /// The database file of a bot, inside the data folder: the manifest's `database` or
    /// `<id>.sqlite` (a manifest naming a path outside the folder is refused when it loads).
    func databasePath(for manifest: BotManifest) -> String {
        (dataDirectory as NSString).appendingPathComponent(manifest.databaseFile)
    }

    /// The webhook address of bot `id`, when the host has a public URL.
    func webhookURL(for id: String) -> URL? {
        publicURL?.appendingPathComponent("webhook").appendingPathComponent(id)
    }
}
