import FakeBotAPI
import Foundation

/// The `aviary` binary under test: a manifest per bot in `bots.d`, a data folder, and the
/// host's HTTP port for `/readyz` (and the webhooks in webhook mode).
final class AviaryHost: BotProcess {
    let name = "aviary"
    let child: ChildProcess
    private let aviary: String
    private let webhook: Bool
    private let apiURL: URL
    /// The host config file given to `--config`, if any.
    private let configFile: URL?

    var botsDirectory: URL { child.root.appendingPathComponent("bots.d") }
    var dataDirectory: URL { child.root.appendingPathComponent("data") }

    /// Writes a manifest per bot, and `hostConfig` (YAML) as the host config file when given;
    /// nothing runs until ``launch()``.
    init(aviary: String, fake: FakeBotAPI, bots: [BenchBot], webhook: Bool = false, hostConfig: String? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: aviary) else {
            throw BenchError("no aviary binary at \(aviary); build it with `swift build -c release` or pass --aviary")
        }
        self.aviary = aviary
        self.webhook = webhook
        apiURL = fake.baseURL
        child = try ChildProcess(name: name)
        configFile = try hostConfig.map { [child] yaml in
            let file = child.root.appendingPathComponent("aviary.yaml")
            try yaml.write(to: file, atomically: true, encoding: .utf8)
            return file
        }
        try FileManager.default.createDirectory(at: botsDirectory, withIntermediateDirectories: true)
        for bot in bots { try add(bot, to: fake) }
    }

    /// Writes the bot's manifest, pointing at the fake.
    func configure(_ bot: BenchBot, pollTimeout: Int) throws {
        try bot.manifest(apiURL: apiURL, webhook: webhook, pollTimeout: pollTimeout)
            .write(to: botsDirectory.appendingPathComponent("\(bot.id).yaml"), atomically: true, encoding: .utf8)
    }

    /// Starts the host.
    func launch() throws {
        var arguments = [
            "run", "--bots-dir", botsDirectory.path, "--data-dir", dataDirectory.path, "--http-port", "\(child.port)",
            "--log-level", "notice", "--shutdown-timeout", "30",
        ]
        if webhook { arguments += ["--public-url", "http://127.0.0.1:\(child.port)"] }
        if let configFile { arguments += ["--config", configFile.path] }
        try child.run(aviary, arguments: arguments)
    }
}
