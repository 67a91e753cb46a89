import FakeBotAPI
import Foundation
import Synchronization

/// The peer: N aiogram echo bots in one Python process (`Benchmarks/Peer/aiogram_echo.py`,
/// run by the virtual environment `scripts/peer-env.sh` makes), configured by a token file
/// with one line per bot and reloaded by SIGHUP, like the host's `bots.d`.
final class AiogramPeer: BotProcess {
    let name = "aiogram"
    let child: ChildProcess
    private let python: String
    private let script: String
    private let webhook: Bool
    private let apiURL: URL
    /// Each bot's line of the token file, in the order the bots were added.
    private let lines = Mutex<[(token: String, line: String)]>([])

    var tokenFile: URL { child.root.appendingPathComponent("tokens.txt") }

    /// Writes the token file; nothing runs until ``launch()``.
    init(python: String, script: String, fake: FakeBotAPI, bots: [BenchBot], webhook: Bool = false) throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw BenchError(
                "no Python at \(python); run scripts/peer-env.sh (it installs aiogram there) or pass --peer none")
        }
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchError("no peer program at \(script); pass --peer-script or --peer none")
        }
        self.python = python
        self.script = URL(fileURLWithPath: script).path
        self.webhook = webhook
        apiURL = fake.baseURL
        child = try ChildProcess(name: name)
        for bot in bots { fake.addBot(token: bot.token, userID: bot.userID, username: bot.username) }
        lines.withLock { $0 = bots.map { ($0.token, "\($0.token) 25") } }
        try writeTokenFile()
    }

    /// Sets the bot's line, `<token> <poll timeout>`, and rewrites the token file.
    func configure(_ bot: BenchBot, pollTimeout: Int) throws {
        lines.withLock { lines in
            let line = "\(bot.token) \(pollTimeout)"
            if let index = lines.firstIndex(where: { $0.token == bot.token }) {
                lines[index].line = line
            } else {
                lines.append((bot.token, line))
            }
        }
        try writeTokenFile()
    }

    /// Starts the Python process.
    func launch() throws {
        var arguments = [script, "--api", apiURL.absoluteString, "--tokens", tokenFile.path, "--port", "\(child.port)"]
        if webhook { arguments.append("--webhook") }
        try child.run(python, arguments: arguments)
    }

    private func writeTokenFile() throws {
        let text = lines.withLock { $0.map(\.line).joined(separator: "\n") } + "\n"
        try text.write(to: tokenFile, atomically: true, encoding: .utf8)
    }
}
