import Foundation
import Tenant

/// One bot's validated manifest (`bots.d/<id>.yaml`).
///
/// Equality ignores the file's name, comments and layout: two manifests are equal when they
/// would run the same bot, so a reload restarts only bots whose meaning changed.
struct BotManifest: Sendable, Equatable {
    /// Which messaging platform the bot lives on.
    enum Platform: String, Sendable, Equatable {
        case telegram
        case sandbox
    }

    /// How a Telegram bot receives updates.
    enum Mode: String, Sendable, Equatable {
        case polling
        case webhook
    }

    /// The `telegram:` block.
    struct TelegramSettings: Sendable, Equatable {
        /// The Bot API server (a local Bot API server or a test double on loopback also work).
        var apiURL: URL = URL(string: "https://api.telegram.org")!
        /// Polling or webhook.
        var mode: Mode = .polling
        /// Seconds a `getUpdates` call waits, 0–50.
        var pollTimeout: Int = 30
    }

    /// One entry of `plugins:`: the plugin's name and its settings as written.
    struct PluginSpec: Sendable, Equatable {
        var name: String
        /// The settings re-serialized without comments or layout, for comparison.
        var canonicalConfiguration: String
    }

    var id: String
    var name: String
    var brand: String?
    var enabled: Bool = true
    var platform: Platform = .telegram
    var token: Secret?
    var telegram = TelegramSettings()
    var admins: [Int64] = []
    var locale: String?
    var database: String?
    var limits = DeliveryLimits()
    var plugins: [PluginSpec] = []
    /// The file it came from (not part of equality).
    var file: String

    static func == (lhs: BotManifest, rhs: BotManifest) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name && lhs.brand == rhs.brand && lhs.enabled == rhs.enabled
            && lhs.platform == rhs.platform && lhs.token == rhs.token && lhs.telegram == rhs.telegram
            && lhs.admins == rhs.admins && lhs.locale == rhs.locale && lhs.database == rhs.database
            && lhs.limits == rhs.limits && lhs.plugins == rhs.plugins
    }
}

/// A secret such as a bot token: compared by value, never printed.
struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; never log it.
    let value: String

    /// `123456:***`.
    var description: String { maskedToken(value) }
    var debugDescription: String { description }
}

/// A manifest that loaded, with its plugins built and ready to run.
struct LoadedBot: Sendable {
    var manifest: BotManifest
    var plugins: [any Plugin]
    var migrations: [PluginMigrations]
    var descriptor: BotDescriptor
}

/// The result of scanning a manifest folder.
struct ManifestScan: Sendable {
    /// Bots whose manifest is valid (enabled or not).
    var bots: [LoadedBot]
    /// Every error, grouped by file in file order; a file with errors yields no bot.
    var errors: [ManifestError]
}
