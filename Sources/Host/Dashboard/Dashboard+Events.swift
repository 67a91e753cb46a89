import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import ServiceLifecycle

/// The live feed behind the bots table and a bot's counters: Server-Sent Events.
extension Dashboard {
    /// The pace of the live feed.
    struct LiveFeed: Sendable {
        /// How often the feed sends the bots' figures.
        var interval = Duration.seconds(2)
        /// A stream ends after this long and the browser reconnects at once, which bounds how
        /// long a stream outlives a session that was signed out.
        var lifetime = Duration.seconds(300)
        /// Waits before the next event, told how many events the stream has sent and the
        /// ``interval``; `false` ends the stream. The host sleeps the interval; tests pass one
        /// that waits for their own signal, or ends the stream after a number of events.
        var pause: @Sendable (_ sent: Int, _ interval: Duration) async throws -> Bool = { _, interval in
            try await Task.sleep(for: interval)
            return true
        }
    }

    /// `GET /events` (or `/events?bot=<id>` for one bot): every ``LiveFeed/interval``, an
    /// event `bots` whose data is `{"bots": [LiveBotView]}`, until the client goes, the
    /// stream's lifetime ends, ``LiveFeed/pause`` says so, or the host begins to shut down.
    func liveEvents(_ request: Request, _ context: HostRequestContext) throws -> Response {
        _ = try requireSession(context)
        let only = request.uri.queryParameters["bot"].map(String.init)
        let readiness = supervisor.readiness
        let encoder = context.responseEncoder
        let feed = liveFeed
        var headers = DashboardAssets.securityHeaders(contentType: "text/event-stream")
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let body = ResponseBody { writer in
            let deadline = ContinuousClock.now + feed.lifetime
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var sent = 0
            while !readiness.isShuttingDown, !Task.isShuttingDownGracefully, ContinuousClock.now < deadline {
                struct Event: Encodable { var bots: [LiveBotView] }
                let data = try encoder.encode(Event(bots: await liveViews(context, only: only)))
                try await writer.write(ByteBuffer(string: "event: bots\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                sent += 1
                guard try await feed.pause(sent, feed.interval) else { break }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
