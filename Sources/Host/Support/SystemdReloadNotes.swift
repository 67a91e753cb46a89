import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd when a SIGHUP reload begins and ends, as `sd_notify(3)` describes: `RELOADING=1`
/// with `MONOTONIC_USEC=` (the time on `CLOCK_MONOTONIC`, which `Type=notify-reload` requires)
/// when the signal is taken, then `READY=1` once a scan that began after it is done.
///
/// Only once the host has told systemd it is ready: a SIGHUP during start-up announces nothing,
/// so `READY=1` never goes out before the launch bots settled. Without `$NOTIFY_SOCKET` nothing is
/// sent. A datagram that cannot be sent is logged as a warning.
final class SystemdReloadNotes: Sendable {
    private let notifier: SystemdNotifier?
    private let isReady: @Sendable () -> Bool
    private let logger: Logger
    /// When the reload systemd waits for was announced; `nil` when none is outstanding.
    private let announced = Mutex<Date?>(nil)

    /// Notes for the `$NOTIFY_SOCKET` of `environment` (none when it is unset or unusable, which
    /// ``SystemdNotifyService`` logs); `isReady` is the check that `READY=1` at start waits for.
    init(environment: [String: String], logger: Logger, isReady: @escaping @Sendable () -> Bool) {
        notifier = (try? SystemdNotifier(environment: environment)) ?? nil
        self.isReady = isReady
        self.logger = logger
    }

    /// A SIGHUP was taken: `RELOADING=1` and the monotonic time, unless the host is still starting.
    func reloading(at date: Date = Date()) {
        guard let notifier, isReady() else { return }
        announced.withLock { $0 = date }
        send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())", with: notifier)
    }

    /// A scan that began at `began` is done: `READY=1` when it began after the announced reload.
    func scanned(began: Date) {
        guard let notifier else { return }
        let done = announced.withLock { announced in
            guard let since = announced, began >= since else { return false }
            announced = nil
            return true
        }
        if done { send("READY=1", with: notifier) }
    }

    /// Microseconds on `CLOCK_MONOTONIC`, the clock systemd compares `MONOTONIC_USEC=` with.
    static func monotonicMicroseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec) / 1_000
    }

    private func send(_ message: String, with notifier: SystemdNotifier) {
        do {
            try notifier.send(message)
            logger.debug("told systemd \(message.split(separator: "\n").first ?? "")")
        } catch {
            logger.warning("systemd not told \(message.split(separator: "\n").first ?? ""): \(error)")
        }
    }
}
