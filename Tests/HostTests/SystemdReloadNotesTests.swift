import Foundation
import Logging
import Synchronization
import Testing
@testable import Host

/// systemd's reload notifications, against a datagram socket the test listens on:
/// `RELOADING=1` with the monotonic time when a SIGHUP is taken, `READY=1` once a scan that began
/// after it is done, and nothing while the host is still starting.
@Suite("systemd reload notes", .timeLimit(.minutes(2)))
struct SystemdReloadNotesTests {
    @Test("RELOADING=1 with MONOTONIC_USEC, then READY=1 only for a scan that began after it, once")
    func reloadingThenReady() async throws {
        let folder = try TemporaryFolder()
        let receiver = try DatagramReceiver(path: folder.path + "/notify")
        let ready = Mutex(false)
        let notes = SystemdReloadNotes(
            environment: ["NOTIFY_SOCKET": receiver.notifySocket], logger: Logger(label: "test"),
            isReady: { ready.withLock { $0 } })
        let start = Date(timeIntervalSince1970: 1_800_000_000)

        notes.reloading(at: start)
        notes.scanned(began: start.addingTimeInterval(1))
        #expect(receiver.pending() == nil, "a SIGHUP while the host starts announces nothing")

        ready.withLock { $0 = true }
        let before = SystemdReloadNotes.monotonicMicroseconds()
        notes.reloading(at: start)
        let message = try await receiver.receive()
        let after = SystemdReloadNotes.monotonicMicroseconds()
        let lines = message.split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        #expect(lines.count == 2 && lines[1].hasPrefix("MONOTONIC_USEC=") && (before...after).contains(stamp))

        notes.scanned(began: start.addingTimeInterval(-1))
        #expect(receiver.pending() == nil, "a scan that began before the signal does not end the reload")
        notes.scanned(began: start)
        #expect(try await receiver.receive() == "READY=1")
        notes.scanned(began: start.addingTimeInterval(5))
        #expect(receiver.pending() == nil, "one READY=1 per announced reload")
    }

    @Test("without NOTIFY_SOCKET nothing is sent and nothing fails")
    func noSocket() {
        let notes = SystemdReloadNotes(environment: [:], logger: Logger(label: "test"), isReady: { true })
        notes.reloading()
        notes.scanned(began: Date())
    }
}
