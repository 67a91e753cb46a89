public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import ServiceLifecycle

/// A Hummingbird server on an OS-chosen port of 127.0.0.1: the HTTP side of the fakes.
public struct LoopbackServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts serving `router`'s routes and returns once the server listens.
    ///
    /// - Parameters:
    ///   - name: The `Server` header, and the fake's name in errors.
    ///   - logger: Logs warnings and worse only.
    ///   - connections: Told of every connection accepted, and when the server is done with it.
    public static func start(
        name: String, logger: Logger, connections: ConnectionEvents? = nil,
        routes: (Router<BasicRequestContext>) -> Void
    ) async throws -> LoopbackServer {
        let router = Router()
        routes(router)
        let port = AsyncStream<Int>.makeStream()
        var quiet = logger
        quiet.logLevel = .warning
        let server = connections.map { events in
            HTTPServerBuilder { responder in
                ReportingHTTP1Channel(base: HTTP1Channel(responder: responder), events: events)
            }
        }
        let app = Application(
            router: router,
            server: server ?? .http1(),
            configuration: .init(
                address: .hostname("127.0.0.1", port: 0), serverName: name,
                availableConnectionsDelegate: connections.map { AcceptReporter(events: $0) }),
            onServerRunning: { channel in
                port.continuation.yield(channel.localAddress?.port ?? 0)
                port.continuation.finish()
            },
            logger: quiet)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: quiet)
        let task = Task { try await group.run() }
        var iterator = port.stream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            throw LoopbackServerError(description: "\(name) could not bind a port on 127.0.0.1")
        }
        return LoopbackServer(port: bound, group: group, task: task)
    }

    /// Shuts the server down gracefully and waits for it.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// A fake's server could not start.
public struct LoopbackServerError: Error, CustomStringConvertible {
    public var description: String
}
