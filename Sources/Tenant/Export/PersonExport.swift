public import Foundation
public import Storage
package import GRDB

/// Everything one bot holds about one person, as one JSON document: the counterpart of
/// ``PluginContext/forgetUser(_:)``, for a person who asks what is stored about them.
///
/// Holds the host's rows (``BotStore/exportHostRows(ofUser:in:)``), then each plugin's
/// (``Plugin/export(userID:in:)``) under its name, all read in one read transaction. The JSON
/// (``json()``) is deterministic: keys sorted, each table's rows in key order.
///
/// ```json
/// {"bot": "han-ru", "brand": "han", "exported_at": "2026-12-07T17:00:00Z",
///  "host": {"tables": {"users": [{"id": 42, …}], …}, "truncated": []},
///  "plugins": {"dating": {"tables": {"dating_profiles": […], …}, "truncated": []}},
///  "truncated": [], "user_id": 42}
/// ```
public struct PersonExport: Sendable, Equatable, Encodable {
    /// The bot's id.
    public var bot: String
    /// The bot's brand, if it has one.
    public var brand: String?
    /// The person.
    public var userID: Int64
    /// When the rows were read.
    public var exportedAt: Date
    /// The host's rows.
    public var host: PersonData
    /// Each plugin's rows, by plugin name.
    public var plugins: [String: PersonData]

    /// Whether no source holds a row about the person.
    public var isEmpty: Bool { host.isEmpty && plugins.values.allSatisfy(\.isEmpty) }

    /// The tables cut short by ``PersonData/rowLimit`` or ``PersonData/byteLimit``, as
    /// `source.table` (`host.inbox`), sorted.
    public var truncated: [String] {
        (host.truncated.map { "host.\($0)" }
            + plugins.flatMap { name, data in data.truncated.map { "\(name).\($0)" } }).sorted()
    }

    /// Reads the person's rows from the host's tables and every plugin's, inside `db`'s
    /// transaction; a plugin listed twice is read once.
    ///
    /// - Throws: The first plugin's error, naming the plugin.
    package static func read(
        userID: Int64, bot: BotDescriptor, plugins: [any Plugin], at date: Date, in db: Database
    ) throws -> PersonExport {
        var export = PersonExport(
            bot: bot.id, brand: bot.brand, userID: userID, exportedAt: date,
            host: try BotStore.exportHostRows(ofUser: userID, in: db), plugins: [:])
        for plugin in plugins {
            let name = plugin.instanceName
            guard export.plugins[name] == nil else { continue }
            do {
                export.plugins[name] = try plugin.export(userID: userID, in: db)
            } catch {
                throw PluginFailure(plugin: name, error: error)
            }
        }
        return export
    }

    /// The document as pretty-printed JSON with sorted keys and RFC 3339 times.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bot, forKey: .bot)
        try container.encode(brand, forKey: .brand)
        try container.encode(userID, forKey: .userID)
        try container.encode(exportedAt, forKey: .exportedAt)
        try container.encode(host, forKey: .host)
        try container.encode(plugins, forKey: .plugins)
        try container.encode(truncated, forKey: .truncated)
    }

    private enum CodingKeys: String, CodingKey {
        case bot, brand, host, plugins, truncated
        case userID = "user_id"
        case exportedAt = "exported_at"
    }
}
