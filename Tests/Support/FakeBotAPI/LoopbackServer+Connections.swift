import HummingbirdCore
import Logging
import NIOCore

/// What a ``LoopbackServer`` tells about its connections, so that a fake can wait until it has
/// handled everything a client sent before that client died.
public struct ConnectionEvents: Sendable {
    /// A connection was accepted. Called on the listening socket's event loop, in the order the
    /// kernel queued the connections, before anything is read from it.
    public var accepted: @Sendable () -> Void
    /// The server is done with a connection accepted before: every request read on it was
    /// handled (answered or failed), and it is closed.
    public var finished: @Sendable () -> Void

    /// Reports connections to `accepted` and `finished`.
    public init(accepted: @escaping @Sendable () -> Void, finished: @escaping @Sendable () -> Void) {
        self.accepted = accepted
        self.finished = finished
    }
}

/// Reports each accepted connection, limiting none: the first handler a new connection meets.
struct AcceptReporter: AvailableConnectionsDelegate {
    let events: ConnectionEvents

    mutating func connectionOpened() { events.accepted() }

    // A closed connection may still hold requests the server has read and not yet handled:
    // `ReportingHTTP1Channel` reports the end instead.
    mutating func connectionClosed() {}

    func isAcceptingNewConnections() -> Bool { true }
}

/// Hummingbird's HTTP/1 connection handling, reporting when it is done with a connection:
/// `handle` returns once the connection is closed and every request read from it was handled.
struct ReportingHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let events: ConnectionEvents

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let value = base.setup(channel: channel, logger: logger)
        // A connection that could not be set up is never handled.
        let events = self.events
        value.whenFailure { _ in events.finished() }
        return value
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
        events.finished()
    }
}
