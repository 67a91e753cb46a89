import Foundation
@testable import Host
import Tenant
import Testing

/// `shapes`: settings of many types, to test how the manifest decoder reads them.
struct ShapesTestPlugin: Plugin {
    enum Mode: String, Decodable, Sendable {
        case fast, slow
    }

    struct Item: Decodable, Sendable {
        var name: String
    }

    /// `"text"` or `{ text: …, weight: … }`: a type that looks at the keys before choosing how to decode.
    struct Label: Decodable, Sendable {
        var text: String
        var weight: Int

        enum CodingKeys: String, CodingKey {
            case text, weight
        }

        struct Probe: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            if let probe = try? decoder.container(keyedBy: Probe.self), !probe.allKeys.isEmpty {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                text = try container.decode(String.self, forKey: .text)
                weight = try container.decodeIfPresent(Int.self, forKey: .weight) ?? 1
            } else {
                text = try decoder.singleValueContainer().decode(String.self)
                weight = 1
            }
        }
    }

    struct Configuration: Decodable, Sendable {
        var url: URL?
        var ratio: Double?
        var small: Int8?
        var flags: [Bool]?
        var mode: Mode?
        var grid: [[Item]]?
        var labels: [Label]?
    }

    static let name = "shapes"
    let configuration: Configuration

    init(configuration: Configuration, bot: BotDescriptor) {
        self.configuration = configuration
    }

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition { .passed }
}

@Suite("Manifest decoder")
struct ManifestDecoderTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    func load(_ settings: String) throws -> Result<LoadedBot, ManifestErrors> {
        var registry = PluginRegistry()
        registry.register(ShapesTestPlugin.self)
        let yaml = "token: \(ManifestTokens.first)\nplugins:\n  - shapes:\n" + settings
        return ManifestLoader(registry: registry, environment: [:]).load(file: try folder.write("bot.yaml", yaml))
    }

    func errors(_ settings: String) throws -> [String] {
        switch try load(settings) {
        case .success: []
        case .failure(let failure): failure.errors.map { folder.relative($0.description) }
        }
    }

    @Test("scalars are read as the type asks: URLs, numbers, booleans, enums")
    func scalars() throws {
        let bot = try load(
            """
                  url: http://127.0.0.1:9000/x
                  ratio: 0.5
                  small: -128
                  flags: [yes, no, on, off, true, False]
                  mode: slow
                  grid: [[{ name: a }, { name: b }]]
                  labels: [plain, { text: heavy, weight: 3 }]
            """
        ).get()
        let configuration = try #require(bot.plugins.first as? ShapesTestPlugin).configuration
        #expect(configuration.url?.absoluteString == "http://127.0.0.1:9000/x")
        #expect(configuration.ratio == 0.5)
        #expect(configuration.small == -128)
        #expect(configuration.flags == [true, false, true, false, true, false])
        #expect(configuration.mode == .slow)
        #expect(configuration.grid?.map { $0.map(\.name) } == [["a", "b"]])
        #expect(configuration.labels?.map(\.text) == ["plain", "heavy"])
        #expect(configuration.labels?.map(\.weight) == [1, 3])
    }

    @Test("errors deep in lists name the full path and the line")
    func deepPaths() throws {
        #expect(
            try errors("      grid:\n        - [{ name: a }]\n        - [{ name: b }, { nam: c }]\n") == [
                "bot.yaml:6: plugins[0].shapes.grid[1][1]: missing required key 'name'",
                "bot.yaml:6: plugins[0].shapes.grid[1][1].nam: unknown key; did you mean 'name'?",
            ]
        )
    }

    @Test("out-of-range numbers, bad enum values and non-numbers are explained")
    func badScalars() throws {
        #expect(
            try errors("      small: 300\n") == [
                "bot.yaml:4: plugins[0].shapes.small: 300 is out of range; use -128 to 127"
            ]
        )
        #expect(
            try errors("      ratio: half\n") == [
                "bot.yaml:4: plugins[0].shapes.ratio: expected a number, found 'half'"
            ]
        )
        #expect(
            try errors("      mode: medium\n") == [
                "bot.yaml:4: plugins[0].shapes.mode: Cannot initialize Mode from invalid String value medium"
            ]
        )
        #expect(
            try errors("      flags: nope\n") == ["bot.yaml:4: plugins[0].shapes.flags: expected a list, found 'nope'"]
        )
    }

    @Test("a type that probes a mapping's keys first still has its unknown keys reported")
    func probingType() throws {
        #expect(
            try errors("      labels:\n        - { text: heavy, wieght: 3 }\n") == [
                "bot.yaml:5: plugins[0].shapes.labels[0].wieght: unknown key; did you mean 'weight'?"
            ]
        )
    }

    @Test("after a failed decode, keys that were never reached are not called unknown")
    func unreachedKeys() throws {
        #expect(
            try errors("      ratio: half\n      small: 1\n      mode: fast\n") == [
                "bot.yaml:4: plugins[0].shapes.ratio: expected a number, found 'half'"
            ]
        )
    }
}
