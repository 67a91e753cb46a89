import Foundation
import Logging
import Tenant

/// Runs one plugin on one update at a time, the way the tenant's pipeline does, and shows what
/// the plugin asked for.
///
/// Each ``handle(_:)`` gets fresh ``Effects`` and a ``PluginContext`` over an in-memory
/// ``BotStore`` that holds the plugin's migrations; the plugin's deferred writes, then the
/// forgetting of the people it asked to forget, are applied in one write transaction
/// afterwards, as the update's commit would.
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

    /// Handles `update` like the pipeline does, then applies the plugin's writes.
    func handle(_ update: Update) async throws -> Outcome {
        let effects = Effects()
        let disposition = try await plugin.handle(update, context: context(for: update, effects: effects))
        return try await commit(effects, disposition: disposition)
    }

    /// Runs a due job like the scheduler does: its row goes, then the plugin's writes apply.
    func fire(_ job: ScheduledJob) async throws -> Outcome {
        let effects = Effects()
        let update = Update(id: 0, content: .scheduled(job), raw: Data())
        try await plugin.fire(job, context: context(for: update, effects: effects))
        return try await commit(effects, disposition: .handled) { db in
            try db.execute(
                sql: "DELETE FROM scheduled_jobs WHERE plugin = ? AND chat_id = ? AND key = ?",
                arguments: [P.name, job.chatID, job.key])
        }
    }

    /// Forgets a person the way an update's commit does when some plugin called
    /// `context.forgetUser(_:)`: the host's rows, then this plugin's.
    func forget(_ userID: Int64) async throws {
        let effects = Effects()
        effects.forget(userID: userID)
        try await store.writer.write { [plugin] db in
            try effects.eraseForgotten(in: db, plugins: [plugin], currentUpdate: nil)
        }
    }

    private func context(for update: Update, effects: Effects) -> PluginContext {
        let status = self.status
        return PluginContext(
            bot: bot, identity: identity, update: update,
            logger: Logger(label: "plugins-tests", factory: { _ in SwiftLogNoOpLogHandler() }),
            storage: PluginStorage(database: store.writer, effects: effects, pluginName: P.name),
            now: now, effects: effects, store: store, statusProvider: { status })
    }

    private func commit(
        _ effects: Effects, disposition: Disposition, before: @escaping @Sendable (Database) throws -> Void = { _ in }
    ) async throws -> Outcome {
        let writes = effects.writes
        try await store.writer.write { db in
            try before(db)
            for write in writes { try write(db) }
            try effects.eraseForgotten(in: db, plugins: [plugin], currentUpdate: nil)
        }
        return Outcome(
            disposition: disposition, actions: effects.actions, deliveries: effects.deliveries,
            writesApplied: writes.count, forgotten: effects.forgottenUsers)
    }
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
