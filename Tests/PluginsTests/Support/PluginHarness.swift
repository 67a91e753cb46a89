import Foundation
import Logging
import MetricsTestKit
@testable import Tenant
import Storage
import GRDB

/// Runs one plugin on one update at a time through the tenant's real pipeline, and shows what
/// the plugin asked for.
///
/// ``handle(_:)`` stores the update in an in-memory ``BotStore`` that holds the plugin's
/// migrations and hands it to the real ``UpdateProcessor``: the plugin runs under the
/// pipeline's deadline, and its writes, the participants' rows, the forgetting of the people it
/// asked to forget, its outbox rows and the "done" mark commit in one transaction. A plugin
/// that throws makes ``handle(_:)`` throw the same error, with nothing applied.
///
/// ``fire(_:)`` and ``forget(_:)`` still apply their commit here, with the same `Effects` steps
/// the pipeline uses: a job the test builds is not a stored row the real job path can read.
struct PluginHarness<P: Plugin> {
    /// What one update's handling produced.
    struct Outcome {
        /// What the plugin said it did.
        var disposition: Disposition
        /// The replies, edits and callback answers it asked for, in order.
        var actions: [OutgoingAction]
        /// The dead-letter retries and broadcasts it asked for, in order.
        var deliveries: [DeliveryRequest]
        /// How many deferred storage writes ran in the commit.
        var writesApplied: Int
        /// The people it asked to forget; the commit erased them.
        var forgotten: [Int64]
        /// The people it exported (`context.exportPerson`), for the host's audit log.
        var exported: [Int64] = []

        /// The texts of the messages it sent, in order.
        var sentTexts: [String] {
            actions.compactMap { action in
                if case .send(let message) = action { return message.text }
                return nil
            }
        }

        /// The message it sent, when that is the only action it asked for; `nil` otherwise.
        var onlySentMessage: OutgoingMessage? {
            guard actions.count == 1, case .send(let message) = actions[0] else { return nil }
            return message
        }
    }

    let plugin: P
    let bot: BotDescriptor
    let identity: BotIdentity
    let store: BotStore
    /// The time the context reports as `now`.
    var now: Date
    /// The status `context.botStatus()` returns.
    var status: BotStatus

    /// Creates the plugin from its configuration and an in-memory store with its migrations.
    init(
        configuration: P.Configuration, bot: BotDescriptor = .test, identity: BotIdentity = .test,
        now: Date = Date(timeIntervalSince1970: 1_800_000_000)
    ) async throws {
        self.plugin = try P(configuration: configuration, bot: bot)
        self.bot = bot
        self.identity = identity
        self.store = try BotStore(inMemoryWith: [PluginMigrations(pluginName: P.name, steps: P.migrations)])
        self.now = now
        self.status = BotStatus(startedAt: now, store: try await store.status())
    }

    /// Handles `update` with the real ``UpdateProcessor`` and commits what it caused.
    ///
    /// The update is stored in the inbox under the next free update id (tests reuse ids; the
    /// inbox would take a repeated one for a redelivery) and decoded as `update` itself.
    ///
    /// A plugin that does not want the update's kind is not called, as in the pipeline: the
    /// outcome is `.passed` with nothing asked for.
    ///
    /// - Throws: The plugin's error when it threw; ``PipelineFailure`` when the update failed
    ///   anyway (its commit, or a plugin's forgetting, threw).
    func handle(_ update: Update) async throws -> Outcome {
        let pipeline = RecordingPlugin(plugin)
        let updateID = try await store.read { db in
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(update_id), 0) + 1 FROM inbox") ?? 1
        }
        let record = InboxRecord(
            updateID: updateID, lane: update.chat?.id ?? 0, kind: "\(update.kind)", payload: Data(), receivedAt: now)
        _ = try await store.ingest([record], nextOffset: nil)
        let outcome = await processor(running: pipeline, decoding: update).process(record)
        let recorded = pipeline.recorder.last
        if case .handled = outcome, recorded.effects == nil {
            // The pipeline does not call a plugin with updates of a kind it did not ask for.
            return Outcome(disposition: .passed, actions: [], deliveries: [], writesApplied: 0, forgotten: [])
        }
        guard case .handled = outcome, let disposition = recorded.disposition, let effects = recorded.effects else {
            if let error = recorded.error { throw error }
            throw PipelineFailure(
                inboxError: try await store.read { db in
                    try String.fetchOne(db, sql: "SELECT error FROM inbox WHERE update_id = ?", arguments: [updateID])
                })
        }
        return Outcome(
            disposition: disposition, actions: effects.actions, deliveries: effects.deliveries,
            writesApplied: effects.writes.count, forgotten: effects.forgottenUsers,
            exported: effects.exports.map(\.userID))
    }

    /// Everything stored about a person, the host's rows and this plugin's, as `/export` and the
    /// API read it.
    func export(_ userID: Int64) async throws -> PersonExport {
        let (plugin, bot, now) = (plugin, bot, now)
        return try await store.read { db in
            try PersonExport.read(userID: userID, bot: bot, plugins: [plugin], at: now, in: db)
        }
    }

    /// Runs a due job like the scheduler does: its row goes, then the plugin's writes apply.
    func fire(_ job: ScheduledJob) async throws -> Outcome {
        let effects = Effects()
        let update = Update(id: 0, content: .scheduled(job), raw: Data())
        try await plugin.fire(job, context: context(for: update, effects: effects))
        return try await commit(effects, disposition: .handled) { db in
            try db.execute(
                sql: "DELETE FROM scheduled_jobs WHERE plugin = ? AND chat_id = ? AND key = ?",
                arguments: [plugin.instanceName, job.chatID, job.key])
        }
    }

    /// Forgets a person the way an update's commit does when some plugin called
    /// `context.forgetUser(_:)`: the host's rows, then this plugin's.
    func forget(_ userID: Int64) async throws {
        let effects = Effects()
        effects.forget(userID: userID)
        try await store.write { [plugin] db in
            try effects.eraseForgotten(in: db, plugins: [plugin], currentUpdate: nil)
        }
    }

    /// The tenant's processor over this harness's store, clock and status, running `pipeline`
    /// and decoding every record as `update`.
    private func processor(running pipeline: RecordingPlugin<P>, decoding update: Update) -> UpdateProcessor {
        let now = self.now
        let status = self.status
        return UpdateProcessor(
            bot: bot, identity: identity, plugins: [pipeline], store: store, decoder: FixedDecoder(update: update),
            logger: Self.logger, now: { now }, metrics: TenantMetrics(botID: bot.id, factory: TestMetrics()),
            statusProvider: { status }, handlingTimeout: .seconds(3600), handlingClock: SystemClock(), maxAttempts: 1,
            writer: store, onEvent: { _ in })
    }

    private static var logger: Logger { Logger(label: "plugins-tests", factory: { _ in SwiftLogNoOpLogHandler() }) }

    private func context(for update: Update, effects: Effects) -> PluginContext {
        let status = self.status
        return PluginContext(
            bot: bot, identity: identity, update: update,
            logger: Self.logger,
            storage: PluginStorage(database: store, effects: effects, pluginName: plugin.instanceName),
            now: now, effects: effects, store: store, plugins: [plugin], statusProvider: { status })
    }

    private func commit(
        _ effects: Effects, disposition: Disposition, before: @escaping @Sendable (Database) throws -> Void = { _ in }
    ) async throws -> Outcome {
        let writes = effects.writes
        try await store.write { db in
            try before(db)
            for write in writes { try write(db) }
            try effects.eraseForgotten(in: db, plugins: [plugin], currentUpdate: nil)
        }
        return Outcome(
            disposition: disposition, actions: effects.actions, deliveries: effects.deliveries,
            writesApplied: writes.count, forgotten: effects.forgottenUsers)
    }
}

/// An update the real pipeline gave up on although the plugin returned: its commit failed.
struct PipelineFailure: Error, CustomStringConvertible {
    /// The error the pipeline stored on the inbox row.
    let inboxError: String?

    var description: String { "the pipeline failed the update: \(inboxError ?? "no error recorded")" }
}

/// Decodes every record as one given update: the harness's tests build updates, not payloads.
private struct FixedDecoder: UpdateDecoder {
    let update: Update

    func decode(_ raw: Data, botUsername: String?) throws -> Update { update }
}

extension PluginHarness where P.Configuration == NoConfiguration {
    /// Creates a plugin that takes no settings.
    init(bot: BotDescriptor = .test, now: Date = Date(timeIntervalSince1970: 1_800_000_000)) async throws {
        try await self.init(configuration: NoConfiguration(), bot: bot, now: now)
    }
}

extension BotDescriptor {
    /// A bot with one admin, ``User/admin``, and Russian as its locale.
    static let test = BotDescriptor(id: "test-bot", name: "Test Bot", locale: "ru", admins: [User.admin.id])
}

extension BotIdentity {
    /// The test bot's platform identity; commands may mention `@aviary_test_bot`.
    static let test = BotIdentity(userID: 999, username: "aviary_test_bot", displayName: "Test Bot")
}
