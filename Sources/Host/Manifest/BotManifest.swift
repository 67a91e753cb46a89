import Foundation
import Tenant
import Yams
import Storage
import GRDB

/// One bot's validated manifest (`bots.d/<id>.yaml`).
///
/// Equality is meaning, not text: two manifests are equal when they would run the same bot, so
/// that a reload restarts only the bots whose manifest really changed. Comments, layout,
/// quoting, key order and the file's name do not count; a changed token (also one read from
/// `token_file`), a changed plugin setting or a new plugin order do.
struct BotManifest: Sendable, Equatable {
    /// Which messaging platform the bot lives on.
    enum Platform: String, Sendable, Equatable, CaseIterable {
        /// Telegram's Bot API.
        case telegram
        /// A platform inside the host, talked to through the management API and the dashboard:
        /// no token, no network.
        case sandbox
        /// A user of the host's Matrix application service (`matrix:` in the host config).
        case matrix
    }

    /// How a Telegram bot receives updates.
    enum Mode: String, Sendable, Equatable, CaseIterable {
        /// `getUpdates` long polling.
        case polling
        /// Telegram posts updates to the host's `/webhook/<id>` (needs `--public-url`).
        case webhook
    }

    /// The `telegram:` block.
    struct TelegramSettings: Sendable, Equatable {
        /// The Bot API server; a local Bot API server or a test double on loopback also work.
        var apiURL: URL = URL(string: "https://api.telegram.org")!
        /// Polling or webhook; polling by default.
        var mode: Mode = .polling
        /// Seconds a `getUpdates` call waits, 0–50; 30 by default.
        var pollTimeout: Int = 30
        /// Webhook deliveries Telegram may have open at once, 1–100; 40 by default.
        var maxConnections: Int = 40
    }

    /// The bot's id (`han-ru`): `[a-z0-9][a-z0-9-]{0,62}`, by default the file name.
    var id: String
    /// The display name; the id by default.
    var name: String
    /// The brand the bot belongs to, for operators scoped to one brand.
    var brand: String?
    /// Whether the host runs the bot. A disabled bot is validated but not started.
    var enabled: Bool = true
    /// The platform; Telegram by default.
    var platform: Platform = .telegram
    /// The bot token; required for Telegram. Prints masked (`123456:***`).
    var token: Secret?
    /// How to reach the Bot API.
    var telegram = TelegramSettings()
    /// The bot's Matrix user (`matrix:`), for `platform: matrix`.
    var matrix: MatrixSettings?
    /// Platform user ids allowed to run admin commands.
    var admins: [Int64] = []
    /// The bot's default locale (`ru`).
    var locale: String?
    /// The bot's default time zone (`time_zone`, an IANA name); UTC when not written.
    var timeZone = TimeZone(identifier: "UTC")!
    /// The bot's SQLite file as written, a path inside `--data-dir`. `nil` means `<data-dir>/<id>.sqlite`.
    var database: String?
    /// The bot's send rates (`delivery:`), Telegram's figures by default.
    var limits = DeliveryLimits()
    /// How long finished rows are kept (`retention:`): 30 days of updates and replies, 90 of dead letters.
    var retention = RetentionPolicy()
    /// The plugins in pipeline order, with their settings as written.
    var plugins: [PluginSpec] = []
    /// The file the manifest came from (not part of equality).
    var file: String
    /// The values the manifest read from the environment, to show as their `${…}` wherever the
    /// manifest is echoed (not part of equality).
    var redaction = Redaction()

    /// The database file relative to `--data-dir`, with `.` and empty steps taken out: the same
    /// text for every spelling of one file.
    var databaseFile: String {
        let path = database ?? "\(id).sqlite"
        return path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// The manifest as the API, the dashboard and reload reports show it: every text holding a
    /// value read from the environment shows the `${…}` that read it instead (an address then
    /// shows percent-encoded). The token prints masked anyway.
    var shown: BotManifest {
        guard !redaction.isEmpty else { return self }
        var copy = self
        copy.id = redaction.apply(id)
        copy.name = redaction.apply(name)
        copy.brand = brand.map(redaction.apply)
        copy.locale = locale.map(redaction.apply)
        copy.database = database.map(redaction.apply)
        let address = telegram.apiURL.absoluteString
        let hidden = redaction.apply(address)
        if hidden != address {
            let encoded = hidden.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
            copy.telegram.apiURL = URL(string: hidden) ?? URL(string: encoded) ?? URL(string: "about:blank")!
        }
        return copy
    }

    /// How the bot receives updates: `polling` or `webhook` on Telegram, `in_process` in the sandbox.
    var receiveMode: String {
        switch platform {
        case .telegram: telegram.mode.rawValue
        case .sandbox: "in_process"
        case .matrix: "application_service"
        }
    }

    /// Whether both manifests would run the same bot; the file name does not count.
    static func == (lhs: BotManifest, rhs: BotManifest) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name && lhs.brand == rhs.brand && lhs.enabled == rhs.enabled
            && lhs.platform == rhs.platform && lhs.token == rhs.token && lhs.telegram == rhs.telegram
            && lhs.matrix == rhs.matrix
            && lhs.admins == rhs.admins && lhs.locale == rhs.locale && lhs.timeZone == rhs.timeZone
            && lhs.database == rhs.database
            && lhs.limits == rhs.limits && lhs.retention == rhs.retention && lhs.plugins == rhs.plugins
    }
}

extension BotManifest {
    /// One entry of `plugins:`: the plugin's name and its settings as written.
    ///
    /// Two specs are equal when their names are and their settings mean the same after `${…}`
    /// expansion, whatever the comments, layout, quoting or key order.
    ///
    /// - Important: `@unchecked Sendable` because Yams' `Node` is not `Sendable`: it resolves a
    ///   node's tag lazily by writing to it. Every tag is resolved when the spec is created, so
    ///   the node is only ever read afterwards.
    struct PluginSpec: @unchecked Sendable, Equatable {
        /// The plugin's registered name (`replies`).
        let name: String
        /// The settings node as written (`${…}` unexpanded); `nil` for a bare name (`- echo`) or an
        /// empty value.
        let configuration: Node?
        /// The settings' meaning as text, compared for equality.
        let canonicalConfiguration: String
        /// Each scalar of the settings that `${…}` changes, as views show it: expanded, with every
        /// value read from the environment shown as the reference that read it. A default in use
        /// shows as itself (`offline`), a set variable as `${COMPANION_BASE_URL}`: an operator sees
        /// which applies, and no environment value is ever shown.
        let shownScalars: [String: String]

        /// A spec for `name` with `configuration`, expanding `${…}` with `interpolation` to compare.
        init(name: String, configuration: Node?, interpolation: Interpolation) {
            self.name = name
            let settings = configuration.flatMap { $0.isNull ? nil : $0.resolvingTags() }
            self.configuration = settings
            canonicalConfiguration = settings?.canonical(expanding: interpolation) ?? "{}"
            var shown: [String: String] = [:]
            settings?.forEachScalar { text in
                guard text.contains("$"), shown[text] == nil, let expanded = try? interpolation.expand(text) else { return }
                shown[text] = Redaction(node: Node(text), interpolation: interpolation).apply(expanded)
            }
            shownScalars = shown
        }

        /// Whether both name the same plugin with settings that mean the same.
        static func == (lhs: PluginSpec, rhs: PluginSpec) -> Bool {
            lhs.name == rhs.name && lhs.canonicalConfiguration == rhs.canonicalConfiguration
        }
    }
}
