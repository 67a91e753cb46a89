import AsyncHTTPClient
import FakeModelAPI
import Foundation
import GRDB
import MetricsTestKit
import Plugins
import Tenant

/// A remote plugin wired to a started ``FakeRemotePlugin``, with fast backoff and its metrics in
/// a `TestMetrics`.
struct RemoteFixture {
    static let secret = "remote-test-secret-0123456789"

    let fake: FakeRemotePlugin
    let metrics = TestMetrics()
    let harness: PluginHarness<RemotePlugin>

    /// Starts the fake answering with `handler` and builds the plugin from `settings` (JSON);
    /// `name`, `url` and `secret` point at the fake unless `settings` sets them.
    init(
        _ settings: String = "{}",
        breaker: RemoteCircuitBreaker = RemoteCircuitBreaker(),
        handler: @escaping @Sendable (FakeRemotePlugin.Call) -> FakeRemotePlugin.Reply
    ) async throws {
        fake = FakeRemotePlugin(secret: Self.secret, handler: handler)
        try await fake.start()
        var object = try JSONSerialization.jsonObject(with: Data(settings.utf8)) as? [String: Any] ?? [:]
        object["name"] = object["name"] ?? "horoscope"
        object["url"] = object["url"] ?? fake.url
        object["secret"] = object["secret"] ?? Self.secret
        let configuration = try JSONDecoder().decode(
            RemoteConfiguration.self,
            from: try JSONSerialization.data(withJSONObject: object)
        )
        let plugin = try RemotePlugin(
            configuration: configuration,
            bot: .test,
            httpClient: RemoteHTTP.client,
            metricsFactory: metrics,
            backoff: Backoff(initial: .milliseconds(5), maximum: .milliseconds(20), minimum: .milliseconds(1)),
            breaker: breaker
        )
        harness = try await PluginHarness(plugin: plugin, bot: .test)
    }

    /// How many failed calls of `kind` were counted.
    func failures(_ kind: String) -> Int64 {
        (try? metrics.expectCounter(
            RemoteMetricName.failures,
            [("bot", "test-bot"), ("plugin", "horoscope"), ("kind", kind)]
        ).totalValue) ?? 0
    }

    /// The plugin's stored state of one owner, as JSON text by key.
    func state(_ scope: String, _ owner: Int64) async throws -> [String: String] {
        try await harness.store.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT key, value FROM remote_plugin_state WHERE scope = ? AND owner = ?",
                arguments: [scope, owner]
            )
            return Dictionary(
                uniqueKeysWithValues: rows.map {
                    ($0["key"] as String, String(decoding: $0["value"] as Data, as: UTF8.self))
                }
            )
        }
    }
}
