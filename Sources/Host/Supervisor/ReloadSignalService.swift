import ServiceLifecycle
import UnixSignals

/// Turns SIGHUP into reload requests for the supervisor.
///
/// - Important: `main` ignores SIGHUP until `run` traps it in ``signals``, which it makes
///   before the supervisor's first scan: a SIGHUP before that is covered by the scan itself, and
///   one after it is kept until this service reads it, so none is lost while the host starts.
///   Bursts collapse into one reload inside the supervisor.
struct ReloadSignalService: Service {
    let supervisor: Supervisor
    /// The trapped SIGHUPs; made early, they are buffered until this service runs.
    let signals: UnixSignalsSequence
    /// Runs before each reload is requested: the host config is read again.
    var beforeReload: @Sendable () async -> Void = {}

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            await beforeReload()
            supervisor.requestReload()
        }
    }
}
