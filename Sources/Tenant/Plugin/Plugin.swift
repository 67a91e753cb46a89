public import Storage
public import GRDB
/// A unit of bot behaviour, configured per bot in its manifest.
///
/// The host calls plugins in manifest order. The first that returns ``Disposition/handled``
/// stops the update; plugins that set ``observesHandledUpdates`` still see it afterwards.
///
/// ```swift
/// struct Shout: Plugin {
///     struct Configuration: Decodable, Sendable { var suffix = "!" }
///     static let name = "shout"
///     let configuration: Configuration
///     init(configuration: Configuration, bot: BotDescriptor) { self.configuration = configuration }
///     func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
///         guard let text = update.message?.text else { return .passed }
///         context.reply(text.uppercased() + configuration.suffix)
///         return .handled
///     }
/// }
/// ```
///
/// - Important: A plugin instance serves many chats at once; keep state in storage, not in
///   properties. Within one chat, updates arrive strictly in order.
public protocol Plugin: Sendable {
    /// The plugin's settings from the manifest, decoded and checked when the manifest loads.
    associatedtype Configuration: Decodable & Sendable = NoConfiguration

    /// The name manifests use for the plugin (`replies`).
    static var name: String { get }

    /// The name this instance goes by in the bot: its storage namespace (``PluginStorage``,
    /// scheduled jobs) and the name in errors. ``name`` by default; a plugin listed several times
    /// in one manifest with different settings (a remote plugin) gives each instance its own.
    var instanceName: String { get }

    /// The plugin's own schema steps, run when the bot starts. None by default.
    static var migrations: [PluginMigration] { get }

    /// Creates the plugin for one bot.
    ///
    /// Throw ``PluginConfigurationError`` for settings that decode but make no sense; the
    /// manifest is then refused with the message, before any update arrives.
    init(configuration: Configuration, bot: BotDescriptor) throws

    /// The update kinds the plugin wants; the platform is asked for the union over all plugins.
    var interests: Set<UpdateKind> { get }

    /// Whether the plugin still sees updates that an earlier plugin handled (its answer is
    /// then ignored). Observers count, log or learn; they do not answer.
    var observesHandledUpdates: Bool { get }

    /// Handles one update.
    ///
    /// Replies and storage writes made through `context` are committed together with the
    /// update's "done" mark, after the whole pipeline ran. A throw discards all of them.
    func handle(_ update: Update, context: PluginContext) async throws -> Disposition

    /// Runs a job the plugin scheduled with ``PluginContext/schedule(_:at:chatID:payload:)``,
    /// once it is due, in the job's chat's order with its updates.
    ///
    /// Replies and writes commit together with the job's removal; a throw discards them and
    /// drops the job (logged as the bot's last error). Does nothing by default.
    func fire(_ job: ScheduledJob, context: PluginContext) async throws

    /// Erases every row of the plugin's own tables about the person, because some plugin called
    /// ``PluginContext/forgetUser(_:)``.
    ///
    /// Runs inside that update's commit transaction, after every plugin's writes, for every
    /// plugin in the manifest (not only those that saw the update). A throw fails the update and
    /// nothing is erased. The host erases its own rows (``BotStore/forgetHostRows(ofUser:currentUpdate:in:)``)
    /// and the person's scheduled jobs itself. Does nothing by default.
    func forget(userID: Int64, in db: Database) throws

    /// Reads every row of the plugin's own tables about the person: the rows ``forget(userID:in:)``
    /// erases, so that an export taken after a forget is empty. Add each table with
    /// ``PersonData/append(_:sql:arguments:in:)``, ordered by its key.
    ///
    /// Runs inside one read transaction with the host's and every other plugin's export, for an
    /// operator's `/export` or the API's export of a person. Nothing by default.
    func export(userID: Int64, in db: Database) throws -> PersonData
}

extension Plugin {
    public static var migrations: [PluginMigration] { [] }
    public var instanceName: String { Self.name }
    public func fire(_ job: ScheduledJob, context: PluginContext) async throws {}
    public func forget(userID: Int64, in db: Database) throws {}
    public func export(userID: Int64, in db: Database) throws -> PersonData { PersonData() }
    public var interests: Set<UpdateKind> { [.message] }
    public var observesHandledUpdates: Bool { false }
}

/// What a plugin did with an update.
public enum Disposition: Sendable, Equatable {
    /// The plugin answered; later plugins (except observers) do not see the update.
    case handled
    /// The plugin left the update to the next plugin.
    case passed
}

/// The configuration of a plugin that takes no settings.
public struct NoConfiguration: Decodable, Sendable, Equatable {
    /// Creates the empty configuration.
    public init() {}
}

/// A plugin's settings decoded but are wrong (an empty list, a bad pattern, …).
public struct PluginConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The setting's path inside the plugin's configuration (`commands.start`), if known.
    public var key: String?
    /// What is wrong and what to write instead.
    public var message: String

    /// Creates an error.
    public init(key: String? = nil, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String {
        if let key { return "\(key): \(message)" }
        return message
    }
}
