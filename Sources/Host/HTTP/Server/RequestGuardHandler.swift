import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request does not arrive whole within a deadline, or whose body
/// grows past a cap, so a slow or endless request cannot hold a connection or a route.
///
/// It sits after HTTP decoding: the deadline starts with a request's headers and ends with its
/// last part. (Hummingbird's idle timeout covers a request whose headers never arrive.)
final class RequestGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private let maximumBody: Int
    private var bodyBytes = 0
    private var deadline: Scheduled<Void>?

    /// Allows each request `timeout` to arrive whole, with at most `maximumBody` body bytes.
    init(timeout: Duration, maximumBody: Int) {
        self.timeout = TimeAmount(timeout)
        self.maximumBody = maximumBody
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            bodyBytes = 0
            deadline?.cancel()
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                context.close(promise: nil)
            }
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            guard bodyBytes <= maximumBody else {
                cancelDeadline()
                context.close(promise: nil)
                return
            }
        case .end:
            cancelDeadline()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestGuardHandler: Sendable {}
