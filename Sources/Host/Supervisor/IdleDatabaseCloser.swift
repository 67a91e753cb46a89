import Logging
import ServiceLifecycle
import Storage

/// Closes bot databases left unused for the host's `storage.idle_close_seconds`, until the host
/// shuts down; each bot closes its own database when it stops.
struct IdleDatabaseCloser: Service {
    let databases: OpenDatabases
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await databases.run { closed in
                logger.debug("closed \(closed) idle bot databases, \(databases.openCount) still open")
            }
        }
    }
}
