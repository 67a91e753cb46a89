import ServiceLifecycle
import UnixSignals

/// Turns SIGHUP into reload requests for the supervisor.
///
/// - Important: `main` ignores SIGHUP before this service exists, so an early signal is
///   harmless; bursts collapse into one reload inside the supervisor.
struct ReloadSignalService: Service {
    let supervisor: Supervisor

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            supervisor.requestReload()
        }
    }
}
