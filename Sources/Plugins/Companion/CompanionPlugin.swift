package import AsyncHTTPClient
package import CoreMetrics
import Foundation
import Logging
import NIOCore
public import Tenant
public import GRDB

/// An AI conversation partner, open about being one, behind an OpenAI-compatible Chat
/// Completions endpoint. Settings: ``CompanionConfiguration``.
///
/// - A text in a private chat is answered by the model. The prompt holds the brand's system
///   prompt, the person's local time of day, their stored profile, the chat's last
///   `history_turns` messages and the new one. Commands, media and group messages pass.
/// - Both sides of the conversation are stored in the plugin's tables with the update's commit,
///   so the companion remembers across restarts. Every `profile_every` messages of a person, the
///   model rewrites their profile (interests, facts) from the recent conversation.
/// - Disclosure (on by default): the first answer in a chat comes after a line saying the
///   companion is an AI, and "are you a bot?" is answered with that line, not by the model.
/// - No key, a timeout, a 429 or a 5xx from the model: `fallback` answers, the failure is
///   counted (`aviary_companion_model_errors_total`) and logged with the chat's metadata.
///   Over `rate_limit`, the model is not called.
///
/// - Important: The model is called inside ``handle(_:context:)``. The runtime handles chats in
///   parallel, so a slow model holds up only the chat that waits for it.
public struct CompanionPlugin: Plugin {
    /// The settings type.
    public typealias Configuration = CompanionConfiguration

    /// `companion`.
    public static let name = "companion"

    /// The history and profile tables.
    public static var migrations: [PluginMigration] { CompanionStore.migrations }

    /// The settings it runs with (`aviary check` warns about an unset `api_key_env`).
    package let configuration: CompanionConfiguration
    private let model: any ChatModel
    private let limiter: PersonRateLimiter
    private let metrics: CompanionMetrics
    private let triggers: KeywordMatcher
    private let locale: String?

    /// Creates the plugin over the shared `HTTPClient` and the process's metrics and environment.
    ///
    /// - Throws: ``PluginConfigurationError`` naming the setting that is wrong.
    public init(configuration: CompanionConfiguration, bot: BotDescriptor) throws {
        try self.init(
            configuration: configuration, bot: bot, httpClient: .shared, metricsFactory: MetricsSystem.factory,
            environment: { ProcessInfo.processInfo.environment })
    }

    /// Creates the plugin with its collaborators given, for tests.
    package init(
        configuration: CompanionConfiguration, bot: BotDescriptor, httpClient: HTTPClient,
        metricsFactory: any MetricsFactory, environment: @escaping @Sendable () -> [String: String]
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.model = Self.model(for: configuration, httpClient: httpClient, environment: environment)
        self.limiter = PersonRateLimiter(perMinute: configuration.rateLimit.perMinute)
        self.metrics = CompanionMetrics(botID: bot.id, factory: metricsFactory)
        let disclosure = configuration.disclosure
        self.triggers = KeywordMatcher(rules: disclosure.enabled ? [disclosure.triggers] : [])
        self.locale = bot.locale
    }

    private static func model(
        for configuration: CompanionConfiguration, httpClient: HTTPClient,
        environment: @escaping @Sendable () -> [String: String]
    ) -> any ChatModel {
        guard !configuration.isOffline, let endpoint = configuration.endpoint else { return OfflineChatModel() }
        let key: OpenAIChatModel.KeySource =
            if let name = configuration.apiKeyEnv { .environment(name) }
            else if let path = configuration.apiKeyFile { .file(path) }
            else { .none }
        return OpenAIChatModel(
            endpoint: endpoint, model: configuration.model ?? "", temperature: configuration.temperature,
            maxTokens: configuration.maxTokens, timeout: .milliseconds(Int64(configuration.timeout * 1000)), key: key,
            httpClient: httpClient, environment: environment)
    }

    /// Erases the person's profile, the history of their private chat and its disclosure note.
    public func forget(userID: Int64, in db: Database) throws {
        try CompanionStore.erase(userID: userID, in: db)
    }

    /// What ``forget(userID:in:)`` erases: the person's profile, their chat's history and its
    /// disclosure note.
    public func export(userID: Int64, in db: Database) throws -> PersonData {
        try CompanionStore.export(userID: userID, in: db)
    }

    /// Answers a text in a private chat; passes everything else.
    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let message = update.message, message.chat.kind == .private, message.command == nil,
            message.attachment == nil, let text = message.text, !text.allSatisfy(\.isWhitespace),
            let person = message.sender
        else { return .passed }
        let conversation = Conversation(
            chatID: message.chat.id, personID: person.id, text: text, language: person.languageCode, context: context)
        var answers: [String] = []
        if configuration.disclosure.enabled, try await conversation.isFirstContact() {
            answers.append(resolve(configuration.disclosure.text, for: conversation))
            try conversation.markDisclosed()
        }
        if triggers.firstMatch(in: text) != nil {
            if answers.isEmpty { answers.append(resolve(configuration.disclosure.text, for: conversation)) }
            conversation.store(answer: answers[0])
        } else if let answer = try await answer(conversation) {
            answers.append(answer)
        }
        for answer in answers { context.reply(answer) }
        return .handled
    }

    /// The model's answer (stored with the message), the fallback, the rate-limit notice, or
    /// `nil` when the person is over the limit and was told already.
    private func answer(_ conversation: Conversation) async throws -> String? {
        if case .limited(let notify) = limiter.admit(conversation.personID, at: conversation.context.now) {
            metrics.rateLimited()
            guard notify else { return nil }
            conversation.context.logger.notice("companion: the person is over rate_limit; the model is not asked")
            return resolve(configuration.rateLimit.text, for: conversation)
        }
        let memory = try await conversation.memory(turns: configuration.historyTurns)
        let prompt = CompanionPrompt(
            systemPrompt: resolve(configuration.systemPrompt, for: conversation),
            discloses: configuration.disclosure.enabled)
        let timeZone = try await conversation.context.timeZone(ofUser: conversation.personID)
        let request = prompt.conversation(
            text: conversation.text, history: memory.turns, profile: memory.profile, now: conversation.context.now,
            timeZone: timeZone)
        guard let answer = try await ask(request, conversation) else {
            conversation.store(answer: nil)
            return resolve(configuration.fallback, for: conversation)
        }
        conversation.store(answer: answer)
        if configuration.profileEvery > 0, (memory.personMessages + 1) % configuration.profileEvery == 0 {
            try await updateProfile(memory, answer: answer, conversation)
        }
        return answer
    }

    /// Asks the model to rewrite the profile from the recent conversation; keeps the old one on
    /// any failure.
    private func updateProfile(_ memory: Conversation.Memory, answer: String, _ conversation: Conversation)
        async throws
    {
        let now = conversation.context.now
        let recent = memory.turns + [
            CompanionTurn(chatID: conversation.chatID, role: .user, text: conversation.text, date: now),
            CompanionTurn(chatID: conversation.chatID, role: .assistant, text: answer, date: now),
        ]
        let request = CompanionPrompt.profileUpdate(profile: memory.profile, history: recent)
        guard let reply = try await ask(request, conversation) else { return }
        guard let update = CompanionPrompt.profile(inAnswer: reply) else {
            metrics.failed(.badAnswer)
            conversation.context.logger.warning("companion: the profile update was no JSON object; the profile is kept")
            return
        }
        conversation.store(profile: memory.profile.updated(with: update))
    }

    /// The model's answer, or `nil` after counting and logging the failure.
    ///
    /// - Throws: `CancellationError` when the handling was cancelled (the host cut a stop
    ///   short): the model did not fail, so no fallback is committed and nothing is counted.
    private func ask(_ request: ChatRequest, _ conversation: Conversation) async throws -> String? {
        do {
            return try await model.complete(request)
        } catch {
            try Task.checkCancellation()
            metrics.failed(error.reason)
            conversation.context.logger.warning(
                "companion: the model gave no answer: \(error)",
                metadata: ["companion.reason": "\(error.reason.rawValue)"])
            return nil
        }
    }

    private func resolve(_ text: LocalizedText, for conversation: Conversation) -> String {
        text.resolve(language: conversation.language, fallbackLocale: locale)
    }
}
