import Dispatch
import Foundation
import Logging
import Synchronization
import Tenant
#if canImport(Glibc)
import Glibc
#endif

/// Ends the process when a graceful shutdown overruns its time, whatever Swift concurrency's
/// threads are doing.
///
/// The service group drains on SIGTERM or SIGINT and cancels what is left after its graceful
/// shutdown time; a task that ignores cancellation (a plugin stuck in a loop, say) would still
/// keep the process alive. The watchdog hears the same signals on a Dispatch queue of its own,
/// so it runs even when every cooperative thread is busy, and exits the process `grace` after
/// the shutdown time. Exiting there loses nothing: updates, jobs and replies not finished are
/// in the bots' databases and are picked up at the next start, exactly as after a crash.
final class ShutdownWatchdog {
    /// Whether a signal already armed the deadline: only the first one does.
    private final class Trigger: Sendable {
        private let fired = Mutex(false)

        /// `true` the first time only.
        func fire() -> Bool {
            fired.withLock { fired in
                defer { fired = true }
                return !fired
            }
        }
    }

    private let queue = DispatchQueue(label: "aviary.shutdown-watchdog")
    private let trigger = Trigger()
    private let deadline: Duration
    private let expire: @Sendable () -> Void
    private var sources: [any DispatchSourceSignal] = []

    /// Starts listening for `signals`.
    ///
    /// - Parameters:
    ///   - timeout: The graceful shutdown time (`--shutdown-timeout`).
    ///   - grace: What cancellation may take after it.
    ///   - signals: The signals that start a graceful shutdown.
    ///   - logger: Told when the watchdog ends the process.
    ///   - exit: Ends the process with a status; tests pass their own.
    init(
        timeout: Duration, grace: Duration = .seconds(2), signals: [Int32] = [SIGTERM, SIGINT], logger: Logger,
        exit: @escaping @Sendable (Int32) -> Void = { Glibc._exit($0) }
    ) {
        deadline = timeout + grace
        expire = {
            logger.critical(
                """
                graceful shutdown did not finish within \(timeout.secondsText) \
                (+\(grace.secondsText) to cancel); exiting now. Unfinished updates and replies are \
                stored and resume at the next start
                """)
            exit(1)
        }
        sources = signals.map { signal in
            // The same mechanism UnixSignals uses for the service group, on our own queue.
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler { [weak self] in self?.arm() }
            source.resume()
            return source
        }
    }

    /// Starts the countdown: the process ends when it is over. Only the first call counts.
    func arm() {
        guard trigger.fire() else { return }
        queue.asyncAfter(deadline: .now() + deadline.timeInterval, execute: expire)
    }
}
