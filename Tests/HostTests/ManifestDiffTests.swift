import Foundation
import Testing
@testable import Host

@Suite("Manifest diff")
struct ManifestDiffTests {
    static func manifest(_ yaml: String) throws -> BotManifest {
        let loader = ManifestLoader(registry: .builtIn(), environment: [:])
        return try loader.validate(yaml: yaml, fileName: "bot.yaml").get().manifest
    }

    static let base = """
        id: bot
        token: "1234:\(String(repeating: "a", count: 35))"
        plugins:
          - replies:
              commands:
                start: "Hi"
        """

    @Test("changed, added and removed settings are listed one per line")
    func settings() throws {
        let old = try Self.manifest(Self.base)
        let new = try Self.manifest(
            Self.base.replacingOccurrences(of: "\"Hi\"", with: "\"Hello\"") + "\n  - echo\nlocale: ru\n")
        let changes = ManifestDiff.changes(from: old, to: new)
        #expect(changes.contains(#"plugins[0].settings.commands.start: "Hi" → "Hello""#))
        #expect(changes.contains("locale: (added) → \"ru\""))
        #expect(changes.contains(#"plugins[1].name: (added) → "echo""#))
        #expect(ManifestDiff.changes(from: new, to: old).contains(#"plugins[1].name: "echo" → (removed)"#))
        #expect(ManifestDiff.changes(from: old, to: old).isEmpty)
    }

    @Test("a changed token is reported without showing it")
    func maskedToken() throws {
        let old = try Self.manifest(Self.base)
        let new = try Self.manifest(Self.base.replacingOccurrences(of: String(repeating: "a", count: 35), with: String(repeating: "b", count: 35)))
        let changes = ManifestDiff.changes(from: old, to: new)
        #expect(changes == ["a masked setting changed (the token or a credential)"])
    }
}
