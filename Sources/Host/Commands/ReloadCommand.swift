import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `aviary reload`: asks a running host to rescan its manifests (sends it SIGHUP).
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Signal a running host to rescan bots.d and apply the changes.")

    @Option(name: .customLong("pid-file"), help: "The running host's pid file.")
    var pidFile: String = "data/aviary.pid"

    func run() throws {
        let pid = try PIDFile(path: pidFile).runningHost()
        guard kill(pid, SIGHUP) == 0 else {
            let reason = errno == ESRCH ? "no such process" : String(cString: strerror(errno))
            throw HostError("cannot signal process \(pid) from \(pidFile): \(reason). Is the host running?")
        }
        print("reload requested (SIGHUP sent to process \(pid))")
    }
}
