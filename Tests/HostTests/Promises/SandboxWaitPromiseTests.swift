import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Tenant
import Testing
@testable import Host

/// The README: "`?wait=N` (up to 30 s) holds the request until something changes".
@Suite("Sandbox promises: wait", .timeLimit(.minutes(2)))
struct SandboxWaitPromiseTests {
    @Test("wait=30 is taken and answers at once when there is news; wait=31 is a 400 naming wait")
    func waitCappedAtThirtySeconds() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        _ = await host.supervisor.table.wait { $0["gamma"] == .running }
        let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]
        try await host.withClient { client in
            let written = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: admin,
                body: ByteBuffer(string: #"{"user_id":42,"text":"hello"}"#))
            #expect(written.status.code < 300, "\(String(buffer: written.body))")
            let taken = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/chats/42?after=0&wait=30", method: .get, headers: admin)
            #expect(taken.status == .ok, "\(String(buffer: taken.body))")
            #expect(String(buffer: taken.body).contains("hello"))
            let refused = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/chats/42?after=0&wait=31", method: .get, headers: admin)
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("wait must be a whole number from 0 to 30"))
        }
        await host.stop()
    }
}
