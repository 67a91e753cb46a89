import Foundation
@testable import Host
import Testing

@Suite("Manifest plugins")
struct ManifestPluginTests {
    static let header = "token: \(ManifestTokens.first)\nplugins:\n"
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    /// The errors of a manifest whose plugin list starts on line 3.
    func errors(_ plugins: String) throws -> [String] {
        try folder.errors(Self.header + plugins)
    }

    @Test("an unknown plugin gets a suggestion among the registered names")
    func unknownPlugin() throws {
        #expect(ManifestTestPlugins.available.hasPrefix("(available: admin, commands, companion, dating, echo, followups"))
        #expect(
            try errors("  - quiet\n  - replys: {}\n") == [
                "bot.yaml:4: plugins[1]: unknown plugin 'replys'; did you mean 'replies'? "
                    + ManifestTestPlugins.available
            ]
        )
        #expect(
            try errors("  - weather\n") == [
                "bot.yaml:3: plugins[0]: unknown plugin 'weather' " + ManifestTestPlugins.available
            ]
        )
    }

    @Test("a plugin listed twice is refused")
    func listedTwice() throws {
        #expect(
            try errors("  - quiet\n  - echo\n  - quiet\n") == [
                "bot.yaml:5: plugins[2]: plugin 'quiet' is listed twice (also plugins[0]); list each plugin once"
            ]
        )
    }

    @Test("the plugin list must be a non-empty list of names or one-key mappings")
    func listShape() throws {
        #expect(
            try folder.errors("token: \(ManifestTokens.first)\nplugins: []\n") == [
                "bot.yaml:2: plugins: expected a list of plugins, in order (for example: [echo]), found a list"
            ]
        )
        #expect(
            try folder.errors("token: \(ManifestTokens.first)\nplugins: echo\n") == [
                "bot.yaml:2: plugins: expected a list of plugins, in order (for example: [echo]), found 'echo'"
            ]
        )
        #expect(
            try errors("  - [echo]\n") == [
                "bot.yaml:3: plugins[0]: expected a plugin name or 'name: {settings}', found a list"
            ]
        )
        #expect(
            try errors("  - greeter:\n    greeting: hi\n") == [
                "bot.yaml:3: plugins[0]: a plugin entry has one key, the plugin's name, but this one has 'greeter', "
                    + "'greeting'; indent the settings under the plugin's name"
            ]
        )
    }

    @Test("a setting of the wrong type is located at its line and key path")
    func wrongType() throws {
        #expect(
            try errors("  - quiet\n  - commands:\n      commands:\n        start: [Hi, there]\n") == [
                "bot.yaml:6: plugins[1].commands.commands.start: expected text, found a list"
            ]
        )
        #expect(
            try errors("  - greeter:\n      greeting: hi\n      times: many\n") == [
                "bot.yaml:5: plugins[0].greeter.times: expected an integer, found 'many'"
            ]
        )
        #expect(
            try errors("  - greeter: hello\n") == [
                "bot.yaml:3: plugins[0].greeter: expected a mapping, found 'hello'"
            ]
        )
    }

    @Test("an unknown setting is located, with a suggestion from the keys the plugin asked for")
    func unknownSetting() throws {
        #expect(
            try errors("  - greeter:\n      greeting: hi\n      tims: 2\n") == [
                "bot.yaml:5: plugins[0].greeter.tims: unknown key; did you mean 'times'?"
            ]
        )
        #expect(
            try errors("  - commands:\n      commands: { start: Hi }\n      reply_dealy: 2\n") == [
                "bot.yaml:5: plugins[0].commands.reply_dealy: unknown key; did you mean 'reply_delay'?"
            ]
        )
        #expect(
            try errors("  - greeter:\n      greting: hi\n") == [
                "bot.yaml:4: plugins[0].greeter: missing required key 'greeting'",
                "bot.yaml:4: plugins[0].greeter.greting: unknown key; did you mean 'greeting'?",
            ]
        )
    }

    @Test("a bare name decodes from an empty mapping, so missing required settings are reported")
    func bareName() throws {
        #expect(
            try errors("  - quiet\n  - greeter\n") == [
                "bot.yaml:4: plugins[1].greeter: missing required key 'greeting'"
            ]
        )
        #expect(
            try errors("  - greeter:\n") == [
                "bot.yaml:3: plugins[0].greeter: missing required key 'greeting'"
            ]
        )
    }

    @Test("a plugin without settings refuses some")
    func takesNoSettings() throws {
        #expect(
            try errors("  - quiet: { loud: true }\n") == [
                "bot.yaml:3: plugins[0].quiet: plugin 'quiet' takes no settings; write '- quiet'"
            ]
        )
        #expect(try folder.load("ok.yaml", Self.header + "  - quiet: {}\n  - echo:\n").get().plugins.count == 2)
    }

    @Test("a plugin's own validation error is located at the setting it names")
    func pluginValidation() throws {
        #expect(
            try errors("  - greeter:\n      greeting: \"\"\n") == [
                "bot.yaml:4: plugins[0].greeter.greeting: must not be empty"
            ]
        )
        #expect(
            try errors("  - echo\n  - commands:\n      commands:\n        help: Help\n        start: \"\"\n") == [
                "bot.yaml:7: plugins[1].commands.commands.start: the text is empty; write what to answer"
            ]
        )
    }

    @Test("the built-in replies plugin's nested settings are checked key by key")
    func builtInReplies() throws {
        #expect(
            try errors(
                """
                  - replies:
                      commands:
                        start:
                          text: Hi
                          butons: []
                """
            ) == [
                "bot.yaml:7: plugins[0].replies.commands.start.butons: unknown key; did you mean 'buttons'?"
            ]
        )
        #expect(
            try errors("  - replies:\n      fallback: { ru: \"Привет\" }\n      comands: {}\n") == [
                "bot.yaml:5: plugins[0].replies.comands: unknown key; did you mean 'commands'?"
            ]
        )
    }
}
