import Logging
import ServiceLifecycle

/// Tells systemd, when the host runs as a `Type=notify` unit, that it is ready (`READY=1`) once
/// the host's readiness check holds, and that it is stopping (`STOPPING=1`) when a graceful
/// shutdown begins.
///
/// Without `$NOTIFY_SOCKET` it sends nothing and only waits for the shutdown. A notification
/// that cannot be sent is logged as a warning, never fatal: without `READY=1`, systemd times the
/// start out on its own (`TimeoutStartSec=`).
///
/// - Important: Put it last in the service group: services stop in reverse order, so it hears of
///   the shutdown first and `STOPPING=1` goes out before the bots begin to drain.
struct SystemdNotifyService: Service {
    /// Where the notifications go; `nil` sends none.
    let notifier: SystemdNotifier?
    /// Why `$NOTIFY_SOCKET` was refused, logged when the service runs.
    let refusal: SystemdNotifierError?
    /// The host's readiness check (the one `/readyz` answers from), asked until it holds.
    let isReady: @Sendable () -> Bool
    /// How often readiness is asked until it holds (it latches: once ready, no more asking).
    var readinessInterval: Duration = .milliseconds(100)
    let logger: Logger

    /// A service for the `$NOTIFY_SOCKET` of `environment`.
    init(environment: [String: String], logger: Logger, isReady: @escaping @Sendable () -> Bool) {
        do {
            notifier = try SystemdNotifier(environment: environment)
            refusal = nil
        } catch {
            notifier = nil
            refusal = error
        }
        self.logger = logger
        self.isReady = isReady
    }

    /// Sends `READY=1` once ready, then `STOPPING=1` when a graceful shutdown (or cancellation)
    /// begins, and returns.
    func run() async throws {
        if let refusal { logger.warning("systemd will not be told the host is ready: \(refusal)") }
        guard let notifier else {
            try? await gracefulShutdown()
            return
        }
        let ready = await cancelWhenGracefulShutdown { [isReady, readinessInterval] in
            while !isReady() {
                do { try await Task.sleep(for: readinessInterval) } catch { return false }
            }
            return true
        }
        if ready { send("READY=1", with: notifier) }
        try? await gracefulShutdown()
        send("STOPPING=1", with: notifier)
    }

    private func send(_ message: String, with notifier: SystemdNotifier) {
        do {
            try notifier.send(message)
            logger.debug("told systemd \(message)")
        } catch {
            logger.warning("systemd not told \(message): \(error)")
        }
    }
}
