import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension FakeBotAPI {
    /// Waits until the fake has handled everything sent to it before the call: every connection
    /// made to it is accepted and closed, and every request read from one was handled (recorded,
    /// answered or failed). For a client that has exited: once this returns, nothing it sent can
    /// still change what the fake recorded (a killed host's last sends are all in
    /// ``sentMessages(token:)``, or will never be).
    ///
    /// A fence proves the accepting caught up: a request on a new connection, which the kernel
    /// queues behind every connection made before it and the fake accepts in that order. Then
    /// the wait is for the count of connections the fake is not done with to reach zero.
    ///
    /// - Important: Only when no live client is connected: a host still running keeps its
    ///   connections open and this never returns. No time bound of its own: run the caller
    ///   under a `.timeLimit`.
    /// - Throws: When the fence request cannot be made.
    public func waitUntilDrained() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var fence = HTTPClientRequest(url: baseURL.absoluteString + "/drain-fence")
            fence.headers.add(name: "Connection", value: "close")
            let response = try await client.execute(fence, timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 1 << 16)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        await waitUntil { $0.busyConnections == 0 }
    }
}
