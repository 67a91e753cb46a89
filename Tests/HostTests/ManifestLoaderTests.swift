import Foundation
import Testing
@testable import Host
import Tenant

/// A plugin with typed settings, to test how plugin configurations are decoded and checked.
struct GreeterPlugin: Plugin {
    struct Configuration: Decodable, Sendable {
        var greeting: String
        var times: Int?
        var phrases: [String: String]?
    }

    static let name = "greeter"
    let configuration: Configuration

    init(configuration: Configuration, bot: BotDescriptor) throws {
        if configuration.greeting.isEmpty { throw PluginConfigurationError(key: "greeting", "must not be empty") }
        self.configuration = configuration
    }

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition { .passed }
}

@Suite("Manifest loader")
struct ManifestLoaderTests {
    static let token = "123456:" + String(repeating: "A", count: 35)

    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-manifests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func loader(_ environment: [String: String] = [:]) -> ManifestLoader {
        var registry = PluginRegistry.builtIn()
        registry.register(GreeterPlugin.self)
        return ManifestLoader(registry: registry, environment: environment)
    }

    @discardableResult
    func write(_ name: String, _ yaml: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func errors(_ yaml: String, file: String = "bot.yaml", environment: [String: String] = [:]) throws -> [String] {
        let path = try write(file, yaml)
        switch loader(environment).load(file: path) {
        case .success: return []
        case .failure(let failure):
            return failure.errors.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") }
        }
    }

    @Test("a manifest with every key loads with its values; defaults fill the rest")
    func everyKey() throws {
        let path = try write("full.yaml", """
            id: han-ru
            name: Han Dating (RU)
            brand: han
            enabled: false
            platform: telegram
            token: \(Self.token)
            telegram:
              api_url: http://127.0.0.1:8081
              mode: polling
              poll_timeout: 10
            admins: [1, 2]
            locale: ru
            database: custom/han.sqlite
            delivery:
              private_chat_per_second: 2
              group_per_minute: 10
              bot_per_second: 20
              broadcast_per_second: 5
              max_age_hours: 1
            plugins:
              - echo
              - greeter: { greeting: Привет, times: 2 }
            """)
        let bot = try loader().load(file: path).get()
        let manifest = bot.manifest
        #expect(manifest.id == "han-ru" && manifest.name == "Han Dating (RU)" && manifest.brand == "han")
        #expect(manifest.enabled == false)
        #expect(manifest.token?.value == Self.token)
        #expect("\(manifest.token!)" == "123456:***")
        #expect(manifest.telegram.apiURL.absoluteString == "http://127.0.0.1:8081")
        #expect(manifest.telegram.pollTimeout == 10)
        #expect(manifest.admins == [1, 2] && manifest.locale == "ru")
        #expect(manifest.limits.privateChat == RateLimit(2, per: .seconds(1), burst: 3))
        #expect(manifest.limits.group == RateLimit(10, per: .seconds(60), burst: 3))
        #expect(manifest.limits.maxAge == .seconds(3600))
        #expect(manifest.plugins.map(\.name) == ["echo", "greeter"])
        #expect((bot.plugins[1] as? GreeterPlugin)?.configuration.greeting == "Привет")
        #expect(bot.descriptor.admins == [1, 2])

        let options = HostOptions(botsDirectory: folder.path, dataDirectory: "/var/lib/aviary")
        let configuration = TenantFactory.configuration(for: bot, options: options)
        #expect(configuration.databasePath == "/var/lib/aviary/custom/han.sqlite")
        #expect(configuration.pollTimeout == .seconds(10))
        #expect(configuration.limits == manifest.limits, "the manifest's delivery limits reach the Tenant")
    }

    @Test("defaults: id from the file name, name from the id, polling at 30 s on api.telegram.org")
    func defaults() throws {
        let path = try write("lumen-faq.yml", "token: \(Self.token)\nplugins: [echo]\n")
        let manifest = try loader().load(file: path).get().manifest
        #expect(manifest.id == "lumen-faq" && manifest.name == "lumen-faq")
        #expect(manifest.enabled && manifest.platform == .telegram)
        #expect(manifest.telegram == BotManifest.TelegramSettings())
        #expect(manifest.telegram.apiURL.absoluteString == "https://api.telegram.org")
        let options = HostOptions(botsDirectory: folder.path, dataDirectory: "data")
        #expect(options.databasePath(for: manifest) == "data/lumen-faq.sqlite")
    }

    @Test("${VAR}, ${VAR:-default} and $$ are expanded from the environment")
    func interpolation() throws {
        let path = try write("env.yaml", """
            token: ${BOT_TOKEN}
            name: ${BOT_NAME:-Fallback Name}
            brand: cost$$
            plugins:
              - greeter: { greeting: "${GREETING:-hi} there" }
            """)
        let bot = try loader(["BOT_TOKEN": Self.token, "GREETING": "hello"]).load(file: path).get()
        #expect(bot.manifest.token?.value == Self.token)
        #expect(bot.manifest.name == "Fallback Name")
        #expect(bot.manifest.brand == "cost$")
        #expect((bot.plugins[0] as? GreeterPlugin)?.configuration.greeting == "hello there")
    }

    @Test("token_file reads the token, relative to the manifest's folder")
    func tokenFile() throws {
        try (Self.token + "\n").write(to: folder.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let path = try write("filed.yaml", "token_file: secret.txt\nplugins: [echo]\n")
        #expect(try loader().load(file: path).get().manifest.token?.value == Self.token)
        #expect(try errors("token_file: missing.txt\nplugins: [echo]\n").first?.contains(
            "bot.yaml:1: token_file: cannot read") == true)
        #expect(try errors("token: \(Self.token)\ntoken_file: secret.txt\nplugins: [echo]\n")
            == ["bot.yaml:2: token_file: set either token or token_file, not both"])
    }

    @Test("broken YAML names the line")
    func brokenYAML() throws {
        #expect(try errors("token: \(Self.token)\nplugins: [echo\n") == [
            "bot.yaml:3: not valid YAML: did not find expected ',' or ']'"
        ])
    }

    @Test("an unknown key is located, with a suggestion, and other errors are reported too")
    func unknownKey() throws {
        #expect(try errors("token: \(Self.token)\nplugns: [echo]\ntelegram:\n  pol_timeout: 5\n") == [
            "bot.yaml: plugins: no plugins: list the plugins to run, in order (for example: plugins: [echo])",
            "bot.yaml:2: plugns: unknown key; did you mean 'plugins'?",
            "bot.yaml:4: telegram.pol_timeout: unknown key; did you mean 'poll_timeout'?",
        ])
    }

    @Test("a missing token variable names the variable, the line and the key")
    func missingVariable() throws {
        #expect(try errors("token: ${HAN_RU_TOKEN}\nplugins: [echo]\n") == [
            "bot.yaml:1: token: HAN_RU_TOKEN is not set; export it or use ${HAN_RU_TOKEN:-default}"
        ])
    }

    @Test("an unknown plugin gets a suggestion; a plugin listed twice is refused")
    func unknownPlugin() throws {
        #expect(try errors("token: \(Self.token)\nplugins:\n  - echo\n  - replys: {}\n") == [
            "bot.yaml:4: plugins[1]: unknown plugin 'replys'; did you mean 'replies'? (available: admin, echo, greeter, replies)"
        ])
        #expect(try errors("token: \(Self.token)\nplugins: [echo, echo]\n") == [
            "bot.yaml:2: plugins[1]: plugin 'echo' is listed twice; list each plugin once"
        ])
    }

    @Test("a plugin setting of the wrong type, an unknown setting and a missing one are located")
    func pluginConfigurationTypes() throws {
        #expect(try errors("token: \(Self.token)\nplugins:\n  - greeter:\n      greeting: hi\n      times: many\n") == [
            "bot.yaml:5: plugins[0].greeter.times: expected an integer, found 'many'"
        ])
        #expect(try errors("token: \(Self.token)\nplugins:\n  - greeter:\n      greeting: hi\n      tims: 2\n") == [
            "bot.yaml:5: plugins[0].greeter.tims: unknown key; did you mean 'times'?"
        ])
        #expect(try errors("token: \(Self.token)\nplugins:\n  - greeter\n") == [
            "bot.yaml:3: plugins[0].greeter: missing required key 'greeting'"
        ])
        #expect(try errors("token: \(Self.token)\nplugins:\n  - echo: { loud: true }\n") == [
            "bot.yaml:3: plugins[0].echo: plugin 'echo' takes no settings"
        ])
    }

    @Test("a plugin's own validation error is located at the setting")
    func pluginValidation() throws {
        #expect(try errors("token: \(Self.token)\nplugins:\n  - greeter:\n      greeting: \"\"\n") == [
            "bot.yaml:4: plugins[0].greeter.greeting: must not be empty"
        ])
    }

    @Test("ids, timeouts, URLs and tokens are checked", arguments: [
        ("id: Han_RU\ntoken: \(token)\nplugins: [echo]\n",
         "bot.yaml:1: id: 'Han_RU' is not a valid id; use 1–63 of a-z, 0-9 and '-', starting with a letter or digit"),
        ("token: \(token)\ntelegram:\n  poll_timeout: 60\nplugins: [echo]\n",
         "bot.yaml:3: telegram.poll_timeout: 60 is out of range; Telegram accepts 0 to 50 seconds"),
        ("token: \(token)\ntelegram:\n  api_url: ftp://x\nplugins: [echo]\n",
         "bot.yaml:3: telegram.api_url: 'ftp://x' is not an http(s) URL"),
        ("token: not-a-token\nplugins: [echo]\n",
         "bot.yaml:1: token: this does not look like a Bot API token (<bot id>:<secret>, as @BotFather gives it)"),
        ("token: \(token)\ntelegram:\n  mode: push\nplugins: [echo]\n",
         "bot.yaml:3: telegram.mode: unknown mode 'push'; use polling or webhook"),
        ("token: \(token)\nenabled: maybe\nplugins: [echo]\n",
         "bot.yaml:2: enabled: expected true or false, found 'maybe'"),
    ])
    func fieldChecks(yaml: String, expected: String) throws {
        #expect(try errors(yaml) == [expected])
    }

    @Test("two manifests with the same id, or the same token, are both refused; the token is never shown")
    func duplicates() throws {
        try write("one.yaml", "id: same\ntoken: \(Self.token)\nplugins: [echo]\n")
        try write("two.yaml", "id: same\ntoken: 999:\(String(repeating: "B", count: 35))\nplugins: [echo]\n")
        try write("three.yaml", "token: 999:\(String(repeating: "B", count: 35))\nplugins: [echo]\n")
        try write("fine.yaml", "token: 777:\(String(repeating: "C", count: 35))\nplugins: [echo]\n")
        let scan = loader().scan(directory: folder.path)
        #expect(scan.bots.map(\.manifest.id) == ["fine"])
        let messages = scan.errors.map { $0.description.replacingOccurrences(of: folder.path + "/", with: "") }
        #expect(messages.contains("one.yaml: id: the same id 'same' is used by two.yaml; both manifests are refused until one changes"))
        #expect(messages.contains("two.yaml: id: the same id 'same' is used by one.yaml; both manifests are refused until one changes"))
        #expect(messages.contains { $0.hasPrefix("three.yaml: token: the same token (999:***) is used by") })
        #expect(messages.allSatisfy { !$0.contains(String(repeating: "B", count: 35)) })
    }

    @Test("equality ignores comments and layout but sees every meaningful change")
    func equality() throws {
        let base = "token: \(Self.token)\nplugins:\n  - greeter: { greeting: hi }\n  - echo\n"
        let a = try loader().validate(yaml: base, fileName: "a.yaml").get().manifest
        let reformatted = "# a comment\ntoken:   \(Self.token)\nplugins:\n  - greeter:\n      greeting: hi\n  - echo\n"
        let b = try loader().validate(yaml: reformatted, fileName: "a.yaml").get().manifest
        #expect(a == b)
        let changedSetting = try loader().validate(yaml: base.replacingOccurrences(of: "hi", with: "hello"), fileName: "a.yaml").get().manifest
        #expect(a != changedSetting)
        let reordered = "token: \(Self.token)\nplugins:\n  - echo\n  - greeter: { greeting: hi }\n"
        #expect(a != (try loader().validate(yaml: reordered, fileName: "a.yaml").get().manifest))
    }

    @Test("aviary check prints one line per bot, or every error and a count")
    func checkReport() throws {
        try write("good.yaml", "brand: han\ntoken: \(Self.token)\nplugins: [echo]\n")
        var report = CheckCommand.report(for: loader().scan(directory: folder.path), directory: folder.path)
        #expect(report.ok)
        #expect(report.lines == ["good  telegram/polling  brand han  token 123456:***  plugins: echo", "1 bot(s) OK"])
        try write("bad.yaml", "token: nope\nplugins: [echo]\n")
        report = CheckCommand.report(for: loader().scan(directory: folder.path), directory: folder.path)
        #expect(!report.ok)
        #expect(report.lines.last == "1 error(s) in 1 file(s)")
        let empty = CheckCommand.report(for: ManifestScan(bots: [], errors: []), directory: "nowhere")
        #expect(!empty.ok)
    }
}
