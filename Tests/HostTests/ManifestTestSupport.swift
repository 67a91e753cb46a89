import Foundation
@testable import Host
import Tenant

/// Tokens of the right shape for manifest tests (never real ones).
enum ManifestTokens {
    /// `123456:AAA…` (35 letters).
    static let first = "123456:" + String(repeating: "A", count: 35)
    /// `999:BBB…` (40 letters).
    static let second = "999:" + String(repeating: "B", count: 40)
    /// `777:CCC…` (35 letters).
    static let third = "777:" + String(repeating: "C", count: 35)
}

/// A temporary folder of manifests, removed when the last reference goes.
final class ManifestFolder {
    /// The folder.
    let url: URL
    /// The folder's path.
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-manifests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `text` to `name` in the folder; returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name).path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Writes `yaml` to `name` and loads it.
    func load(
        _ name: String,
        _ yaml: String,
        environment: [String: String] = [:]
    ) throws -> Result<LoadedBot, ManifestErrors> {
        ManifestTestPlugins.loader(environment).load(file: try write(name, yaml))
    }

    /// Writes `yaml` to `name`, loads it and returns its errors as printed, relative to the folder.
    func errors(_ yaml: String, file name: String = "bot.yaml", environment: [String: String] = [:]) throws -> [String]
    {
        switch try load(name, yaml, environment: environment) {
        case .success: []
        case .failure(let failure): failure.errors.map { relative($0.description) }
        }
    }

    /// `text` with the folder's path taken out.
    func relative(_ text: String) -> String {
        text.replacingOccurrences(of: path + "/", with: "")
    }
}

/// Small plugins with typed settings, registered beside the built-ins for manifest tests.
enum ManifestTestPlugins {
    /// The built-in plugins plus the test ones.
    static var registry: PluginRegistry {
        var registry = PluginRegistry.builtIn()
        registry.register(GreeterTestPlugin.self)
        registry.register(CommandsTestPlugin.self)
        registry.register(QuietTestPlugin.self)
        return registry
    }

    /// The registered names as an unknown-plugin error lists them.
    static var available: String {
        "(available: " + registry.names.joined(separator: ", ") + ")"
    }

    /// A loader over ``registry`` with exactly `environment`.
    static func loader(_ environment: [String: String] = [:]) -> ManifestLoader {
        ManifestLoader(registry: registry, environment: environment)
    }
}

/// `greeter`: one required setting, two optional ones, and its own check.
struct GreeterTestPlugin: Plugin {
    struct Configuration: Decodable, Sendable {
        var greeting: String
        var times: Int?
        var phrases: [String: String]?
    }

    static let name = "greeter"
    static let migrations = [PluginMigration("v1") { _ in }]
    let configuration: Configuration

    init(configuration: Configuration, bot: BotDescriptor) throws {
        if configuration.greeting.isEmpty { throw PluginConfigurationError(key: "greeting", "must not be empty") }
        self.configuration = configuration
    }

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition { .passed }
}

/// `commands`: a map of command to text, snake_case keys, and a check naming a nested setting.
struct CommandsTestPlugin: Plugin {
    struct Configuration: Decodable, Sendable {
        var commands: [String: String]
        var replyDelay: Int?

        enum CodingKeys: String, CodingKey {
            case commands
            case replyDelay = "reply_delay"
        }
    }

    static let name = "commands"
    let configuration: Configuration
    let bot: BotDescriptor

    init(configuration: Configuration, bot: BotDescriptor) throws {
        for (command, text) in configuration.commands.sorted(by: { $0.key < $1.key }) where text.isEmpty {
            throw PluginConfigurationError(key: "commands.\(command)", "the text is empty; write what to answer")
        }
        self.configuration = configuration
        self.bot = bot
    }

    var interests: Set<UpdateKind> { [.message, .editedMessage] }

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition { .passed }
}

/// `quiet`: no settings at all.
struct QuietTestPlugin: Plugin {
    static let name = "quiet"

    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    var interests: Set<UpdateKind> { [.callbackQuery] }

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition { .passed }
}
