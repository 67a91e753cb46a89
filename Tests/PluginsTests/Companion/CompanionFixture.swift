import AsyncHTTPClient
import FakeModelAPI
import Foundation
import MetricsTestKit
import Plugins
import Tenant
import Storage

/// A companion wired to a started ``FakeModelAPI`` that expects the key `sk-test`, with its
/// counters in a `TestMetrics`.
struct CompanionFixture {
    static let apiKey = "sk-test"

    let fake: FakeModelAPI
    let metrics = TestMetrics()
    var harness: PluginHarness<CompanionPlugin>

    /// Starts the fake and builds the plugin from `settings` (JSON, as a manifest's YAML would
    /// decode); `base_url`, `model` and `api_key_env` point at the fake unless `settings` sets them.
    init(
        _ settings: String = "{}", environment: [String: String] = ["COMPANION_TEST_KEY": apiKey],
        bot: BotDescriptor = .test
    ) async throws {
        fake = FakeModelAPI(apiKey: Self.apiKey)
        try await fake.start()
        var object = try JSONSerialization.jsonObject(with: Data(settings.utf8)) as? [String: Any] ?? [:]
        object["base_url"] = object["base_url"] ?? fake.baseURL
        object["model"] = object["model"] ?? "test-model"
        if object["api_key_file"] == nil { object["api_key_env"] = object["api_key_env"] ?? "COMPANION_TEST_KEY" }
        let configuration = try Self.decode(try JSONSerialization.data(withJSONObject: object))
        let plugin = try CompanionPlugin(
            configuration: configuration, bot: bot, httpClient: .shared, metricsFactory: metrics,
            environment: { environment })
        harness = try await PluginHarness(plugin: plugin, bot: bot)
    }

    /// Decodes settings like the manifest loader does.
    static func decode(_ json: Data) throws -> CompanionConfiguration {
        try JSONDecoder().decode(CompanionConfiguration.self, from: json)
    }

    /// Decodes settings written as JSON text.
    static func decode(_ json: String) throws -> CompanionConfiguration {
        try decode(Data(json.utf8))
    }

    /// How often the model failed for `reason`.
    func errors(_ reason: String) throws -> Int64 {
        try metrics.expectCounter(
            CompanionMetricName.modelErrors, [("bot", BotDescriptor.test.id), ("reason", reason)]
        ).totalValue
    }

    /// The English disclosure line.
    static let disclosure = "Just so you know: I'm an AI companion, not a person."
    /// The English fallback.
    static let fallback = "Sorry, I can't answer right now. Please write again in a minute."
}

extension PluginHarness {
    /// A harness over a plugin built elsewhere (with test collaborators) and an in-memory store
    /// holding its migrations.
    init(plugin: P, bot: BotDescriptor, now: Date = Date(timeIntervalSince1970: 1_800_000_000)) async throws {
        self.plugin = plugin
        self.bot = bot
        self.identity = .test
        self.store = try BotStore(inMemoryWith: [PluginMigrations(pluginName: P.name, steps: P.migrations)])
        self.now = now
        self.status = BotStatus(startedAt: now, store: try await store.status())
    }
}
