import FakeBotAPI
import Foundation

/// A process that serves the benchmark's echo bots through the fake Bot API: the `aviary`
/// host, or the peer it is compared with. Every scenario drives both the same way and reads
/// the same figures from `/proc`.
protocol BotProcess: AnyObject, Sendable {
    /// Its name in tables and JSON: `aviary` or `aiogram`.
    var name: String { get }

    /// The running process, its folder, port and log.
    var child: ChildProcess { get }

    /// Writes the configuration of `bot` (its manifest, its line of the token file), replacing
    /// the bot's earlier one; a running process picks it up on SIGHUP.
    func configure(_ bot: BenchBot, pollTimeout: Int) throws

    /// Starts the process; it serves every bot configured so far.
    func launch() throws
}

extension BotProcess {
    /// Registers `bot` with the fake and configures it; a `pollTimeout` other than the one it
    /// had makes it a changed bot.
    func add(_ bot: BenchBot, to fake: FakeBotAPI, pollTimeout: Int = 25) throws {
        fake.addBot(token: bot.token, userID: bot.userID, username: bot.username)
        try configure(bot, pollTimeout: pollTimeout)
    }

    /// Waits until `/readyz` answers 200; returns how long that took from now.
    @discardableResult
    func waitUntilReady(timeout: Duration = .seconds(300)) async throws -> Duration {
        try await child.waitUntilReady(timeout: timeout)
    }

    /// User plus system CPU time the process used so far, in seconds.
    func cpuSeconds() -> Double { child.cpuSeconds() }

    /// Resident memory now and at its peak, in bytes.
    func memory() -> (resident: Int, peak: Int) { child.memory() }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) { child.send(signal) }

    /// Stops the process; see ``ChildProcess/stop()``.
    func stop() async throws { try await child.stop() }
}
