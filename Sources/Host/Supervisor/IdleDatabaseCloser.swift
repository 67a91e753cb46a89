import ServiceLifecycle
import Storage

/// Closes bot databases left unused for the host's `storage.idle_close_seconds`, until the host
/// shuts down; each bot closes its own database when it stops.
struct IdleDatabaseCloser: Service {
    let databases: OpenDatabases

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await databases.run()
        }
    }
}
