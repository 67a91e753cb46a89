import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Tenant
import Testing
@testable import Host

/// The README's webhook route: `POST /webhook/{bot_id}` answers only for a webhook bot of this host.
@Suite("Webhook promises", .timeLimit(.minutes(2)))
struct WebhookPromiseTests {
    @Test("a delivery with the right secret is 404 for an unknown bot and for a polling bot")
    func notFoundUnlessWebhookBot() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        _ = await host.supervisor.table.wait { $0["alpha"] == .running }
        // The same host secret HTTPTestHost gives its supervisor.
        let secret = HostSecret(Data(repeating: 9, count: 32))
        let update = ByteBuffer(string: #"{"update_id":1,"message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"hi"}}"#)
        try await host.withClient { client in
            for id in ["nobody", "alpha"] {
                var headers: HTTPFields = [.contentType: "application/json"]
                headers[WebhookRoute.secretHeader] = secret.webhookSecret(for: id)
                let response = try await client.execute(uri: "/webhook/\(id)", method: .post, headers: headers, body: update)
                #expect(response.status == .notFound, "\(id): \(response.status.code) \(String(buffer: response.body))")
            }
        }
        await host.stop()
    }
}
