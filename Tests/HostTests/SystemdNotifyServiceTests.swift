import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import Host

/// The service that tells systemd the host is ready and then stopping, against a datagram socket
/// the test listens on.
@Suite("systemd notify service", .timeLimit(.minutes(2)))
struct SystemdNotifyServiceTests {
    /// Runs `service` in a service group until `body` returns, then shuts the group down
    /// gracefully; the group's error, if any (a service that ended early), is thrown.
    func run(_ service: SystemdNotifyService, _ body: (ServiceGroup) async throws -> Void) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: service)], logger: Logger(label: "test"))
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body(group)
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
    }

    @Test("READY=1 goes out only once the readiness check holds, STOPPING=1 once shutdown begins")
    func readyThenStopping() async throws {
        let folder = try TemporaryFolder()
        let receiver = try DatagramReceiver(path: folder.path + "/notify")
        let ready = Mutex(false)
        let (asks, asked) = AsyncStream<Void>.makeStream()
        var service = SystemdNotifyService(
            environment: ["NOTIFY_SOCKET": receiver.notifySocket],
            logger: Logger(label: "test"),
            isReady: {
                asked.yield()
                return ready.withLock { $0 }
            }
        )
        service.readinessInterval = .milliseconds(1)
        try await run(service) { _ in
            var iterator = asks.makeAsyncIterator()
            // Asked twice and not ready: the first answer was heard, and nothing was sent for it.
            for _ in 0..<2 { await iterator.next() }
            #expect(receiver.pending() == nil, "READY=1 before the host was ready")
            ready.withLock { $0 = true }
            let message = try await receiver.receive()
            #expect(message == "READY=1")
        }
        #expect(try await receiver.receive() == "STOPPING=1")
        #expect(receiver.pending() == nil, "one READY=1 and one STOPPING=1, nothing more")
    }

    @Test("an abstract socket (@name) gets the same datagrams")
    func abstractSocket() async throws {
        let receiver = try DatagramReceiver(abstractName: DatagramReceiver.uniqueAbstractName())
        let service = SystemdNotifyService(
            environment: ["NOTIFY_SOCKET": receiver.notifySocket],
            logger: Logger(label: "test"),
            isReady: { true }
        )
        try await run(service) { _ in
            let message = try await receiver.receive()
            #expect(message == "READY=1")
        }
        #expect(try await receiver.receive() == "STOPPING=1")
    }

    @Test("a shutdown before the host is ready sends STOPPING=1 only")
    func shutdownBeforeReady() async throws {
        let folder = try TemporaryFolder()
        let receiver = try DatagramReceiver(path: folder.path + "/notify")
        let (asks, asked) = AsyncStream<Void>.makeStream()
        var service = SystemdNotifyService(
            environment: ["NOTIFY_SOCKET": receiver.notifySocket],
            logger: Logger(label: "test"),
            isReady: {
                asked.yield()
                return false
            }
        )
        service.readinessInterval = .milliseconds(1)
        try await run(service) { _ in
            for await _ in asks { break }
        }
        #expect(try await receiver.receive() == "STOPPING=1")
    }

    @Test("without NOTIFY_SOCKET, or with one that names no socket, it sends nothing and runs until shutdown")
    func noSocketRunsUntilShutdown() async throws {
        for environment in [[:], ["NOTIFY_SOCKET": "relative/notify"], ["NOTIFY_SOCKET": "/nowhere/notify"]] {
            let service = SystemdNotifyService(
                environment: environment,
                logger: Logger(label: "test"),
                isReady: { true }
            )
            #expect((service.notifier == nil) == (environment["NOTIFY_SOCKET"] != "/nowhere/notify"))
            // A service that ended early would make the group throw here.
            try await run(service) { _ in }
        }
    }
}
