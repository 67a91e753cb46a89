import Foundation
import Logging
import Testing
@testable import Host

/// The last guarantee that SIGTERM ends the host: a watchdog on a Dispatch queue of its own.
@Suite("Shutdown watchdog", .timeLimit(.minutes(5)))
struct ShutdownWatchdogTests {
    @Test("once armed, it exits with status 1 when the shutdown time and the grace are over, once")
    func exitsAfterTheShutdownTime() async throws {
        let (statuses, continuation) = AsyncStream<Int32>.makeStream()
        // No signal to listen for: SIGTERM would end the test process. `arm()` is what the
        // signal's handler calls.
        let watchdog = ShutdownWatchdog(
            timeout: .milliseconds(50), grace: .milliseconds(10), signals: [], logger: Logger(label: "test"),
            exit: { continuation.yield($0) })
        watchdog.arm()
        watchdog.arm()
        var iterator = statuses.makeAsyncIterator()
        #expect(await iterator.next() == 1)
        // A second countdown would have ended by now too: wait as long again, then look.
        try await Task.sleep(for: .milliseconds(200))
        continuation.finish()
        #expect(await iterator.next() == nil)
    }
}
