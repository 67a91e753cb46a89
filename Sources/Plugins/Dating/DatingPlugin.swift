public import Tenant
public import GRDB

/// Matchmaking inside one bot: a profile wizard, browsing with likes, mutual matches, reports,
/// blocks and a moderation queue. Settings: ``DatingConfiguration``.
///
/// Everything happens in private chats; group messages pass.
///
/// - `/start` begins the wizard: name, age (at least `min_age`), gender, whom to meet, city, a
///   short bio and a photo (kept as the platform's file id). Each answer is checked and a
///   wrong one is explained and asked again.
/// - `/profile` shows the person's card with buttons to change any field, to pause (hidden
///   from everyone) or resume, and to delete: the bot forgets them
///   (``PluginContext/forgetUser(_:)``), so one transaction erases every row of this plugin,
///   of the others and of the host about them (a moderator's ban stays).
/// - `/browse` shows one candidate at a time (photo, caption, ❤️ / 👎 / report / block buttons);
///   see ``CandidateSearch`` for who is shown. Likes are limited to `daily_likes` per day of
///   the person's own time zone.
/// - A mutual like tells both people at once, with a link to the other's username, or, for
///   someone without one, an offer to pass on the first message.
/// - A profile reported by `report_threshold` different people is hidden until an admin (the
///   manifest's `admins`) reviews it with `/moderation`: approve shows it again, ban hides it
///   for good. Other commands and texts pass to the next plugin.
public struct DatingPlugin: Plugin {
    /// The settings type.
    public typealias Configuration = DatingConfiguration

    /// `dating`.
    public static let name = "dating"

    /// The plugin's tables (`dating_…`) and indexes.
    public static var migrations: [PluginMigration] { DatingSchema.migrations }

    private let configuration: DatingConfiguration
    private let texts: DatingTexts
    private let search: CandidateSearch

    /// Creates the plugin, checking the settings and every text override now.
    ///
    /// - Throws: ``PluginConfigurationError`` naming the setting that is wrong.
    public init(configuration: DatingConfiguration, bot: BotDescriptor) throws {
        try configuration.validate()
        self.configuration = configuration
        self.texts = DatingTexts(overrides: configuration.texts, locale: bot.locale)
        self.search = CandidateSearch(ageRange: configuration.ageRange, minimumAge: configuration.minAge)
    }

    /// Messages and button presses.
    public var interests: Set<UpdateKind> { [.message, .callbackQuery] }

    /// Runs the wizard, profile, browsing, relay and moderation; passes everything else.
    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        switch update.content {
        case .message(let message):
            guard message.chat.kind == .private, let sender = message.sender, !sender.isBot else { return .passed }
            return try await conversation(with: sender, chatID: message.chat.id, context: context).handle(message)
        case .callbackQuery(let query):
            guard let action = DatingAction(data: query.data) else { return .passed }
            let chatID = query.message?.chat.id ?? query.sender.id
            let conversation = try await conversation(with: query.sender, chatID: chatID, context: context)
            let notice = try await conversation.press(action, on: query.message)
            context.answerCallback(text: notice)
            return .handled
        default:
            return .passed
        }
    }

    /// Erases every `dating` row about the person (``DatingStore/erase(_:userID:)``); a ban stays.
    public func forget(userID: Int64, in db: Database) throws {
        try DatingStore.erase(db, userID: userID)
    }

    /// Every `dating` row about the person (``DatingStore/export(_:userID:)``), their ban included.
    public func export(userID: Int64, in db: Database) throws -> PersonData {
        try DatingStore.export(db, userID: userID)
    }

    private func conversation(with user: User, chatID: Int64, context: PluginContext) async throws
        -> DatingConversation
    {
        let profile = try await context.storage.read { db in try DatingProfile.fetch(db, userID: user.id) }
        if let profile, profile.username != user.username || profile.language != user.languageCode {
            context.storage.write { db in try DatingStore.refreshContact(db, user: user) }
        }
        return DatingConversation(
            context: context, configuration: configuration, texts: texts, search: search, user: user, chatID: chatID,
            profile: profile)
    }
}
