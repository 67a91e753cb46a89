import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `aviary reload`: asks a running host to rescan its manifests (sends it SIGHUP), then prints
/// what the host did, read from the outcome it writes after every scan (``ReloadOutcomeFile``).
///
/// Exits 0 when the reload found no error, 1 when it found some (the bots concerned keep their
/// last good version) or when no outcome arrived within `--wait` seconds.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Signal a running host to rescan bots.d, then print what it started, restarted, stopped or kept.")

    @Option(name: .customLong("data-dir"), help: "The running host's data folder (its --data-dir).")
    var dataDirectory: String = "data"

    @Option(name: .customLong("pid-file"), help: "The running host's pid file (default: <data-dir>/aviary.pid).")
    var pidFile: String?

    @Option(name: .customLong("wait"), help: "Seconds to wait for the outcome, 0 to only send the signal.")
    var wait: Int = 60

    func validate() throws {
        guard (0...3600).contains(wait) else {
            throw ValidationError("--wait \(wait) is out of range; use 0 to 3600 seconds")
        }
    }

    /// The pid file: `--pid-file`, else `aviary.pid` in `--data-dir`.
    var pidFilePath: String {
        pidFile ?? HostOptions(botsDirectory: "", dataDirectory: dataDirectory).pidFilePath
    }

    func run() throws {
        let path = pidFilePath
        let pid = try PIDFile(path: path).runningHost()
        let outcomes = ReloadOutcomeFile(dataDirectory: (path as NSString).deletingLastPathComponent)
        let sent = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        guard kill(pid, SIGHUP) == 0 else {
            let reason = errno == ESRCH ? "no such process" : String(cString: strerror(errno))
            throw HostError("cannot signal process \(pid) from \(path): \(reason). Is the host running?")
        }
        guard wait > 0 else {
            print("reload requested (SIGHUP sent to process \(pid))")
            return
        }
        guard let outcome = try outcome(in: outcomes, since: sent) else {
            print("reload requested (SIGHUP sent to process \(pid)); no outcome within \(wait) s: see the host's log")
            throw ExitCode.failure
        }
        for line in outcome.lines { print(line) }
        if !outcome.reload.errors.isEmpty { throw ExitCode.failure }
    }

    /// The first outcome of a scan that began at or after `sent` (ms since 1970), looked for
    /// every 50 ms for `--wait` seconds; `nil` when none came.
    private func outcome(in file: ReloadOutcomeFile, since sent: Int64) throws -> ReloadOutcome? {
        let deadline = ContinuousClock.now + .seconds(wait)
        while true {
            if let outcome = try file.read(), outcome.beganAtMs >= sent { return outcome }
            guard ContinuousClock.now < deadline else { return nil }
            usleep(50_000)
        }
    }
}
