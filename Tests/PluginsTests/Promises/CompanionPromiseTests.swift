import AsyncHTTPClient
import FakeModelAPI
import Foundation
import MetricsTestKit
import Plugins
import PropertyBased
import Tenant
import Testing

/// The README's companion promise about `api_key_file`: "read at every call so a rotated key is
/// picked up", trailing whitespace ignored.
@Suite("Promise: the companion reads api_key_file at every call", .timeLimit(.minutes(5)))
struct CompanionPromiseTests {
    /// A companion reading its key from `keyFile`, against a fake that accepts any key and
    /// records the `Authorization` header of each call.
    static func companion(keyFile: String) async throws -> (FakeModelAPI, PluginHarness<CompanionPlugin>) {
        let fake = FakeModelAPI()
        try await fake.start()
        let configuration = try CompanionFixture.decode("""
            { "base_url": "\(fake.baseURL)", "model": "test-model", "api_key_file": "\(keyFile)",
              "disclosure": false, "profile_every": 0, "rate_limit": { "per_minute": 0 } }
            """)
        let plugin = try CompanionPlugin(
            configuration: configuration, bot: .test, httpClient: .shared, metricsFactory: TestMetrics(),
            environment: { [:] })
        return (fake, try await PluginHarness(plugin: plugin, bot: .test))
    }

    /// A fresh path for a key file.
    static func keyPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("companion-key-\(UUID().uuidString)").path
    }

    @Test("key A, a call, the file rewritten with key B, a call: the model sees A, then B")
    func rotatedKey() async throws {
        let path = Self.keyPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "sk-key-A\n".write(toFile: path, atomically: false, encoding: .utf8)
        let (fake, harness) = try await Self.companion(keyFile: path)
        #expect(try await harness.handle(Updates.message("first")).sentTexts == ["fake reply 1 to: first"])
        try "sk-key-B\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try await harness.handle(Updates.message("second")).sentTexts == ["fake reply 2 to: second"])
        #expect(fake.requests.map(\.authorization) == ["Bearer sk-key-A", "Bearer sk-key-B"])
        await fake.stop()
    }

    @Test("any run of rotations, in place or by a new file, with any trailing whitespace: each call carries the key")
    func rotationsProperty() async throws {
        let path = Self.keyPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "sk-initial".write(toFile: path, atomically: false, encoding: .utf8)
        let (fake, harness) = try await Self.companion(keyFile: path)
        let keyCharacters = Gen.letterOrNumber.string(of: 1...40)
        let trailing = Gen.element(of: [" ", "\t", "\n", "\r\n"]).map { $0 ?? "" }.array(of: 0...3).map { $0.joined() }
        let rotation = zip(keyCharacters, trailing, Gen.bool())
        var calls = 0
        await propertyCheck(count: 40, input: rotation.array(of: 1...4)) { rotations in
            for (key, whitespace, replace) in rotations {
                try "sk-\(key)\(whitespace)".write(toFile: path, atomically: replace, encoding: .utf8)
                calls += 1
                let texts = try await harness.handle(Updates.message("call \(calls)")).sentTexts
                #expect(texts == ["fake reply \(calls) to: call \(calls)"])
                #expect(fake.requests.last?.authorization == "Bearer sk-\(key)", "written: \(key)\(whitespace)")
            }
        }
        await fake.stop()
    }
}
