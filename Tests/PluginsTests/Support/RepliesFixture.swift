import Foundation
import Plugins
import Tenant

/// The `replies` settings the behaviour tests run against, written as the JSON equivalent of a
/// manifest's YAML.
enum RepliesFixture {
    static let json = """
        {
          "commands": {
            "start": { "reply": "menu" },
            "help": {
              "text": { "ru": "Помощь", "en": "Help" },
              "buttons": [[{ "text": "FAQ", "reply": "faq" }, { "text": "Site", "url": "https://example.com" }]]
            },
            "about": "Made by Han",
            "rules": { "ru": "Правила", "de": "Regeln" }
          },
          "keywords": [
            { "match": ["price", "цена"], "reply": "prices" },
            { "match": "delivery time", "text": { "en": "Two days", "ru": "Два дня" } }
          ],
          "replies": {
            "menu": { "text": "Menu", "buttons": [[{ "text": "FAQ", "reply": "faq" }]] },
            "faq": {
              "text": "<b>FAQ</b>", "parse_mode": "html", "edit": true,
              "buttons": [[{ "text": { "en": "Back", "ru": "Назад" }, "reply": "menu" }]]
            },
            "prices": "From 5 €"
          },
          "fallback": { "en": "Sorry?", "ru": "Не понял" }
        }
        """

    /// Decodes `json` as the plugin's configuration, like the manifest loader does.
    static func decode(_ json: String) throws -> RepliesConfiguration {
        try JSONDecoder().decode(RepliesConfiguration.self, from: Data(json.utf8))
    }

    /// A harness over the fixture, or over other settings.
    static func harness(_ json: String = json, bot: BotDescriptor = .test) async throws
        -> PluginHarness<RepliesPlugin>
    {
        try await PluginHarness(configuration: decode(json), bot: bot)
    }
}
