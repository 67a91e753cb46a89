import Foundation
@testable import Host
import Testing

@Suite("Manifest errors")
struct ManifestErrorTests {
    static let token = ManifestTokens.first
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    @Test("broken YAML names the line")
    func brokenYAML() throws {
        #expect(
            try folder.errors("token: \(Self.token)\nplugins: [quiet\n") == [
                "bot.yaml:3: not valid YAML: did not find expected ',' or ']'"
            ]
        )
        #expect(
            try folder.errors("token: \(Self.token)\n  name: x\nplugins: [quiet]\n") == [
                "bot.yaml:2: not valid YAML: mapping values are not allowed in this context"
            ]
        )
    }

    @Test("a key written twice is refused")
    func duplicateKey() throws {
        #expect(
            try folder.errors("token: \(Self.token)\nname: a\nname: b\nplugins: [quiet]\n") == [
                "bot.yaml:2: the key 'name' appears more than once in one mapping; keep one"
            ]
        )
    }

    @Test("an empty file, or one that is not a mapping, is refused")
    func notAMapping() throws {
        #expect(
            try folder.errors("# nothing yet\n") == [
                "bot.yaml: the manifest is empty; it needs at least a token and a list of plugins"
            ]
        )
        #expect(
            try folder.errors("- quiet\n") == [
                "bot.yaml:1: expected a mapping of keys (id, token, plugins, …), found a list"
            ]
        )
    }

    @Test("an unknown key is located with a suggestion, and the other errors are reported with it")
    func unknownKey() throws {
        #expect(
            try folder.errors("token: \(Self.token)\nplugns: [quiet]\ntelegram:\n  pol_timeout: 5\ncolour: red\n") == [
                "bot.yaml:2: plugns: unknown key; did you mean 'plugins'?",
                "bot.yaml:4: telegram.pol_timeout: unknown key; did you mean 'poll_timeout'?",
                "bot.yaml:5: colour: unknown key",
            ]
        )
    }

    @Test("a wrong type names what was expected and what was found")
    func wrongTypes() throws {
        #expect(
            try folder.errors(
                """
                token: \(Self.token)
                enabled: maybe
                admins: [12, abc]
                telegram:
                  poll_timeout: soon
                name: [a, b]
                plugins: [quiet]
                """
            ) == [
                "bot.yaml:2: enabled: expected true or false, found 'maybe'",
                "bot.yaml:3: admins[1]: expected an integer, found 'abc'",
                "bot.yaml:5: telegram.poll_timeout: expected an integer, found 'soon'",
                "bot.yaml:6: name: expected text, found a list",
            ]
        )
    }

    @Test("an unset variable names the variable, the line and the key")
    func missingVariable() throws {
        #expect(
            try folder.errors("name: Han\ntoken: ${HAN_RU_TOKEN}\nplugins: [quiet]\n") == [
                "bot.yaml:2: token: HAN_RU_TOKEN is not set; export it or use ${HAN_RU_TOKEN:-default}"
            ]
        )
        #expect(
            try folder.errors("token: \(Self.token)\nplugins:\n  - greeter: { greeting: \"${GREETING\" }\n") == [
                "bot.yaml:3: plugins[0].greeter.greeting: unclosed '${'; close it with '}' or write '$$' for a literal dollar"
            ]
        )
    }

    @Test("token and token_file: one of them, readable, with a token's shape that is never shown")
    func tokenProblems() throws {
        try folder.write("secret.txt", Self.token)
        try folder.write("empty.txt", "\n")
        try folder.write("wrong.txt", "hunter2-is-my-password")
        #expect(
            try folder.errors("token: \(Self.token)\ntoken_file: secret.txt\nplugins: [quiet]\n") == [
                "bot.yaml:2: token_file: set either token or token_file, not both"
            ]
        )
        #expect(
            try folder.errors("name: x\nplugins: [quiet]\n") == [
                "bot.yaml: token: a telegram bot needs a token; set token: ${VARIABLE} or token_file: path"
            ]
        )
        #expect(
            try folder.errors("token_file: missing.txt\nplugins: [quiet]\n") == [
                "bot.yaml:1: token_file: cannot read missing.txt; check the path and its permissions"
            ]
        )
        #expect(
            try folder.errors("token_file: empty.txt\nplugins: [quiet]\n") == [
                "bot.yaml:1: token_file: empty.txt is empty; put the bot token in it"
            ]
        )
        let shape = "(<digits>:<35 or more of A-Z, a-z, 0-9, _ and ->, as @BotFather gives it)"
        #expect(
            try folder.errors("token_file: wrong.txt\nplugins: [quiet]\n") == [
                "bot.yaml:1: token_file: the file's content does not look like a Bot API token \(shape)"
            ]
        )
        let short = "123:" + String(repeating: "x", count: 34)
        #expect(
            try folder.errors("plugins: [quiet]\ntoken: \(short)\n") == [
                "bot.yaml:2: token: this does not look like a Bot API token \(shape)"
            ]
        )
    }

    @Test("ids follow [a-z0-9][a-z0-9-]{0,62}, also when taken from the file name")
    func badID() throws {
        let rule = "use 1–63 of a-z, 0-9 and '-', starting with a letter or digit"
        #expect(
            try folder.errors("token: \(Self.token)\nid: Han_RU\nplugins: [quiet]\n") == [
                "bot.yaml:2: id: 'Han_RU' is not a valid id; \(rule)"
            ]
        )
        #expect(
            try folder.errors("id: -han\ntoken: \(Self.token)\nplugins: [quiet]\n") == [
                "bot.yaml:1: id: '-han' is not a valid id; \(rule)"
            ]
        )
        #expect(
            try folder.errors("id: \(String(repeating: "a", count: 64))\ntoken: \(Self.token)\nplugins: [quiet]\n")
                .first?.hasPrefix("bot.yaml:1: id: 'aaaa") == true
        )
        #expect(
            try folder.errors("token: \(Self.token)\nplugins: [quiet]\n", file: "Han RU.yaml") == [
                "Han RU.yaml: id: the file name 'Han RU' is not a valid id; set id: (1–63 of a-z, 0-9 and '-') or rename the file"
            ]
        )
    }

    @Test("telegram settings are checked: poll_timeout range, URL, mode")
    func telegramSettings() throws {
        #expect(
            try folder.errors("token: \(Self.token)\ntelegram:\n  poll_timeout: 51\nplugins: [quiet]\n") == [
                "bot.yaml:3: telegram.poll_timeout: 51 is out of range; Telegram accepts 0 to 50 seconds"
            ]
        )
        #expect(
            try folder.errors("token: \(Self.token)\ntelegram:\n  poll_timeout: -1\nplugins: [quiet]\n") == [
                "bot.yaml:3: telegram.poll_timeout: -1 is out of range; Telegram accepts 0 to 50 seconds"
            ]
        )
        #expect(
            try folder.errors("token: \(Self.token)\ntelegram:\n  api_url: ftp://x\nplugins: [quiet]\n") == [
                "bot.yaml:3: telegram.api_url: 'ftp://x' is not an http(s) URL; write the Bot API server's address, "
                    + "such as https://api.telegram.org"
            ]
        )
        #expect(
            try folder.errors("token: \(Self.token)\ntelegram:\n  mode: poling\nplugins: [quiet]\n") == [
                "bot.yaml:3: telegram.mode: unknown mode 'poling'; did you mean 'polling'? (available: polling, webhook)"
            ]
        )
    }

    @Test("a sandbox bot takes no token or telegram settings; webhook max_connections must be 1 to 100")
    func platformSettings() throws {
        #expect(try folder.errors("token: \(Self.token)\ntelegram:\n  mode: webhook\nplugins: [quiet]\n") == [])
        #expect(
            try folder.errors("token: \(Self.token)\ntelegram:\n  mode: webhook\n  max_connections: 101\nplugins: [quiet]\n") == [
                "bot.yaml:4: telegram.max_connections: 101 is out of range; Telegram accepts 1 to 100 connections"
            ]
        )
        #expect(
            try folder.errors("platform: sandbox\ntoken: \(Self.token)\nplugins: [quiet]\n") == [
                "bot.yaml:2: token: a sandbox bot lives inside the host and has no token; remove it, or use platform: telegram"
            ]
        )
        #expect(try folder.errors("platform: sandbox\nplugins: [quiet]\n") == [])
        #expect(
            try folder.errors("platform: telegarm\ntoken: \(Self.token)\nplugins: [quiet]\n") == [
                "bot.yaml:1: platform: unknown platform 'telegarm'; did you mean 'telegram'? (available: telegram, sandbox, matrix)"
            ]
        )
    }

    @Test("locale, time zone, name, database and delivery values are checked")
    func otherFields() throws {
        #expect(
            try folder.errors(
                """
                token: \(Self.token)
                name: "  "
                locale: russian
                time_zone: Moscow
                database: data/
                delivery:
                  group_per_minute: 0
                  max_age_hours: 100000
                  concurrent_sends: 65
                plugins: [quiet]
                """
            ) == [
                "bot.yaml:2: name: the name is empty; write one, or remove the key to use the id",
                "bot.yaml:3: locale: 'russian' is not a language code; use a code such as ru, en or pt-br",
                "bot.yaml:4: time_zone: 'Moscow' is not a time zone; use an IANA name such as Europe/Moscow, America/New_York or UTC",
                "bot.yaml:5: database: 'data/' is not a file path; name the bot's SQLite file (relative paths are inside --data-dir)",
                "bot.yaml:7: delivery.group_per_minute: 0 is out of range; write 1 to 100000",
                "bot.yaml:8: delivery.max_age_hours: 100000 is out of range; write 1 to 8760",
                "bot.yaml:9: delivery.concurrent_sends: 65 is out of range; write 1 to 64",
            ]
        )
    }
}
