import Logging
import ServiceLifecycle
import Testing
@testable import Host

/// The timer that gives freed heap pages back to the system.
@Suite("Heap trim service", .timeLimit(.minutes(2)))
struct HeapTrimServiceTests {
    @Test("it trims again and again until a graceful shutdown, then ends without an error")
    func trimsUntilShutdown() async throws {
        let (trims, trimmed) = AsyncStream<Void>.makeStream()
        let service = HeapTrimService(interval: .milliseconds(5), trim: { trimmed.yield() })
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: service)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                // However the group ends, the count below stops waiting for trims.
                defer { trimmed.finish() }
                try await group.run()
            }
            var count = 0
            for await _ in trims {
                count += 1
                if count == 3 { break }
            }
            #expect(count == 3, "the service stopped after \(count) trim(s)")
            await group.triggerGracefulShutdown()
            // A service that ended early or threw makes the group throw here.
            try await tasks.next()
        }
    }

    #if canImport(Glibc)
    @Test("glibc's malloc_trim is found, so the timer trims rather than doing nothing")
    func trimIsFound() {
        #expect(HeapTrimService.mallocTrim != nil)
    }
    #endif
}
