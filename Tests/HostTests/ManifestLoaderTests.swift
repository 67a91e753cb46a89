import Foundation
@testable import Host
import Testing
import Tenant

@Suite("Manifest loading")
struct ManifestLoaderTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    @Test("a manifest with every key loads with its values")
    func everyKey() throws {
        let bot = try folder.load(
            "full.yaml",
            """
            id: han-ru
            name: Han Dating (RU)
            brand: han
            enabled: false
            platform: telegram
            token: \(ManifestTokens.first)
            telegram:
              api_url: http://127.0.0.1:8081
              mode: polling
              poll_timeout: 10
            admins: [1, 2]
            locale: ru
            time_zone: Europe/Moscow
            database: custom/han.sqlite
            delivery:
              private_chat_per_second: 2
              group_per_minute: 10
              bot_per_second: 20
              broadcast_per_second: 5
              max_age_hours: 1
              concurrent_sends: 2
            plugins:
              - quiet
              - greeter: { greeting: Привет, times: 2, phrases: { bye: Пока } }
              - commands:
                  commands:
                    start: Hello
                  reply_delay: 3
            """
        ).get()
        let manifest = bot.manifest
        #expect(manifest.id == "han-ru")
        #expect(manifest.name == "Han Dating (RU)")
        #expect(manifest.brand == "han")
        #expect(manifest.enabled == false)
        #expect(manifest.platform == .telegram)
        #expect(manifest.token?.value == ManifestTokens.first)
        #expect(manifest.telegram.apiURL.absoluteString == "http://127.0.0.1:8081")
        #expect(manifest.telegram.mode == .polling)
        #expect(manifest.telegram.pollTimeout == 10)
        #expect(manifest.admins == [1, 2])
        #expect(manifest.locale == "ru")
        #expect(manifest.timeZone.identifier == "Europe/Moscow")
        #expect(manifest.database == "custom/han.sqlite")
        #expect(manifest.limits.privateChat == RateLimit(2, per: .seconds(1), burst: 3))
        #expect(manifest.limits.group == RateLimit(10, per: .seconds(60), burst: 3))
        #expect(manifest.limits.bot == RateLimit(20, per: .seconds(1), burst: 20))
        #expect(manifest.limits.broadcast == RateLimit(5, per: .seconds(1), burst: 5))
        #expect(manifest.limits.maxAge == .seconds(3600))
        #expect(manifest.limits.concurrentSends == 2)
        #expect(manifest.file == folder.url.appendingPathComponent("full.yaml").path)

        #expect(manifest.plugins.map(\.name) == ["quiet", "greeter", "commands"])
        #expect(manifest.plugins[0].configuration == nil)
        #expect(manifest.plugins[1].configuration != nil)
        #expect(
            manifest.plugins[1].canonicalConfiguration
                == #"{"greeting":"Привет","phrases":{"bye":"Пока"},"times":"2"}"#
        )
        let greeter = try #require(bot.plugins[1] as? GreeterTestPlugin)
        #expect(greeter.configuration.greeting == "Привет")
        #expect(greeter.configuration.times == 2)
        #expect(greeter.configuration.phrases == ["bye": "Пока"])
        let commands = try #require(bot.plugins[2] as? CommandsTestPlugin)
        #expect(commands.configuration.commands == ["start": "Hello"])
        #expect(commands.configuration.replyDelay == 3)
        #expect(
            commands.bot
                == BotDescriptor(
                    id: "han-ru", name: "Han Dating (RU)", brand: "han", locale: "ru",
                    timeZone: TimeZone(identifier: "Europe/Moscow")!, admins: [1, 2])
        )

        #expect(bot.descriptor == commands.bot)
        #expect(bot.interests == [.message, .editedMessage, .callbackQuery], "the union of the plugins' interests")
        #expect(bot.migrations.map(\.pluginName) == ["quiet", "greeter", "commands"])
        #expect(bot.migrations.map(\.steps.count) == [0, 1, 0])
    }

    @Test("defaults: id from the file name, name from the id, enabled, telegram polling 30 s on api.telegram.org")
    func defaults() throws {
        let bot = try folder.load("lumen-faq.yml", "token: \(ManifestTokens.first)\nplugins: [quiet]\n").get()
        let manifest = bot.manifest
        #expect(manifest.id == "lumen-faq")
        #expect(manifest.name == "lumen-faq")
        #expect(manifest.brand == nil)
        #expect(manifest.enabled)
        #expect(manifest.platform == .telegram)
        #expect(manifest.telegram.apiURL.absoluteString == "https://api.telegram.org")
        #expect(manifest.telegram.mode == .polling)
        #expect(manifest.telegram.pollTimeout == 30)
        #expect(manifest.admins.isEmpty)
        #expect(manifest.locale == nil)
        #expect(manifest.timeZone == TimeZone(identifier: "UTC"))
        #expect(manifest.database == nil)
        #expect(manifest.limits == DeliveryLimits())
        #expect(
            HostOptions(botsDirectory: folder.path, dataDirectory: "data").databasePath(for: manifest)
                == "data/lumen-faq.sqlite"
        )
    }

    @Test("${VAR} and ${VAR:-default} expand from the environment, $$ is a dollar, also in plugin settings")
    func interpolation() throws {
        let bot = try folder.load(
            "env.yaml",
            """
            token: ${BOT_TOKEN}
            name: ${BOT_NAME:-Fallback Name}
            brand: ${EMPTY_BRAND:-han}
            locale: ${LOCALE:-ru}
            telegram:
              poll_timeout: ${POLL:-20}
            plugins:
              - greeter: { greeting: "${GREETING:-hi} costs $$5", times: "${TIMES}" }
            """,
            environment: [
                "BOT_TOKEN": ManifestTokens.first, "GREETING": "hello", "EMPTY_BRAND": "",
                "LOCALE": "en", "TIMES": "3",
            ]
        ).get()
        #expect(bot.manifest.token?.value == ManifestTokens.first)
        #expect(bot.manifest.name == "Fallback Name", "an unset variable takes its default")
        #expect(bot.manifest.brand == "han", "an empty variable takes its default too, as in a shell")
        #expect(bot.manifest.locale == "en", "a set variable wins over its default")
        #expect(bot.manifest.telegram.pollTimeout == 20, "numbers can come from variables")
        let greeter = try #require(bot.plugins[0] as? GreeterTestPlugin)
        #expect(greeter.configuration.greeting == "hello costs $5")
        #expect(greeter.configuration.times == 3)
    }

    @Test("token_file reads the token, trimmed, relative to the manifest's folder or absolute")
    func tokenFile() throws {
        try folder.write("secret.txt", "  \(ManifestTokens.first)\n\n")
        let relative = try folder.load("filed.yaml", "token_file: secret.txt\nplugins: [quiet]\n").get()
        #expect(relative.manifest.token?.value == ManifestTokens.first)
        let absolute = folder.url.appendingPathComponent("secret.txt").path
        let bot = try folder.load("absolute.yaml", "token_file: \(absolute)\nplugins: [quiet]\n").get()
        #expect(bot.manifest.token?.value == ManifestTokens.first)
    }

    @Test("a token prints masked, never in full")
    func maskedToken() throws {
        let manifest = try folder.load("bot.yaml", "token: \(ManifestTokens.first)\nplugins: [quiet]\n").get().manifest
        let token = try #require(manifest.token)
        #expect("\(token)" == "123456:***")
        #expect(String(reflecting: token) == "123456:***")
        #expect(!"\(manifest)".contains(String(repeating: "A", count: 35)))
        #expect(!String(reflecting: manifest).contains(String(repeating: "A", count: 35)))
    }

    @Test("a disabled bot is loaded and validated, and flagged")
    func disabled() throws {
        let manifest = try folder.load("off.yaml", "enabled: no\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n")
            .get().manifest
        #expect(!manifest.enabled)
        #expect(
            try folder.errors("enabled: false\ntoken: nope\nplugins: [quiet]\n").count == 1,
            "a disabled manifest is still checked"
        )
    }

    @Test("validate(yaml:) checks text that is not on disk")
    func validateText() throws {
        let bot = try ManifestTestPlugins.loader().validate(
            yaml: "token: \(ManifestTokens.first)\nplugins: [echo]\n",
            fileName: "api/new-bot.yaml"
        ).get()
        #expect(bot.manifest.id == "new-bot")
        #expect(bot.manifest.file == "api/new-bot.yaml")
    }

    @Test("the shipped bots.d loads with the built-in plugins")
    func shippedManifests() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scan = ManifestLoader(registry: .builtIn(), environment: [:])
            .scan(directory: root.appendingPathComponent("bots.d").path)
        #expect(scan.errors.map(\.description) == [])
        #expect(scan.bots.map(\.manifest.id) == ["han-demo", "han-en", "han-ru", "lumen-demo", "lumen-support"])
        #expect(
            scan.bots.map { $0.manifest.plugins.map(\.name) }
                == [
                    ["admin", "followups", "dating", "replies", "companion"],
                    ["admin", "followups", "dating", "replies", "companion"],
                    ["admin", "followups", "dating", "replies", "companion"], ["replies"], ["admin", "replies"],
                ]
        )
        #expect(scan.bots.filter { $0.manifest.platform == .sandbox }.map(\.manifest.id) == ["han-demo", "lumen-demo"])
    }
}
