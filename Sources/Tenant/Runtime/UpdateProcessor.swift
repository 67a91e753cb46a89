import Foundation
import Logging
import Storage

/// Runs one stored update through the plugin pipeline and commits everything it caused as one
/// unit of work: the plugins' writes, the outbox rows, the chat and user rows, and the inbox's
/// "done" mark.
///
/// When ``writer`` is the bot's group commit, the unit is a savepoint in its next transaction,
/// shared with the other chats' updates that are ready at the same moment; it still commits
/// whole or not at all, and ``process(_:)`` returns only once it is durable.
struct UpdateProcessor: Sendable {
    let bot: BotDescriptor
    let identity: BotIdentity
    let plugins: [any Plugin]
    let store: BotStore
    let decoder: any UpdateDecoder
    let logger: Logger
    let now: @Sendable () -> Date
    let metrics: TenantMetrics
    let statusProvider: @Sendable () async throws -> BotStatus
    /// How long one update's (or job's) plugins may take before they are cancelled.
    let handlingTimeout: Duration
    /// The clock ``handlingTimeout`` is measured on.
    let handlingClock: any TenantClock
    /// How many times handling an update (or a job) may begin before it is given up on: an
    /// attempt the host did not live through (a crash, or a hang that ended in a kill) counts.
    let maxAttempts: Int
    /// Where units of work are written: the bot's group commit, or the store (a transaction
    /// each).
    let writer: any TransactionWriter
    /// Told of each person forgotten, once the update (or job) that forgot them committed.
    let onEvent: @Sendable (TenantEvent) -> Void

    /// What became of an update.
    enum Outcome: Sendable {
        /// Committed; these outbox entries go to the sender (the chat's reachability first when
        /// the update changed it, then the rows now waiting to be sent), and a job is due at
        /// `earliestSchedule` if set.
        case handled(outbox: [OutboxEntry], earliestSchedule: Date?)
        /// A plugin threw or timed out, the update could not be decoded, or it was given up on
        /// after ``UpdateProcessor/maxAttempts``; nothing was applied.
        case failed
    }

    /// Handles one inbox record; `received` is its update as decoded on receipt, if it was.
    func process(_ record: InboxRecord, received: Update? = nil) async -> Outcome {
        var logger = logger
        logger[metadataKey: "update_id"] = "\(record.updateID)"
        if record.lane != 0 { logger[metadataKey: "chat"] = "\(record.lane)" }
        let startedAt = now()
        let started = ContinuousClock.now

        let attempt: Int
        do {
            attempt = try await store.beginAttempt(updateID: record.updateID)
        } catch {
            logger.error("cannot note the update's attempt; it stays pending for the next start: \(error)")
            return .failed
        }
        guard attempt <= maxAttempts else {
            return await fail(
                record,
                reason: "given up after \(maxAttempts) attempts: the host stopped (crashed, or was killed while "
                    + "stuck) each time it handled this update",
                logger: logger)
        }

        let update: Update
        if let received {
            update = received.addressed(to: identity.username)
        } else {
            do {
                update = try decoder.decode(record.payload, botUsername: identity.username)
            } catch {
                return await fail(record, reason: "cannot decode \(record.kind) update: \(error)", logger: logger)
            }
        }

        let effects = Effects()
        let running = RunningPlugin()
        let pipelineLogger = logger
        do {
            try await withHandlingDeadline(handlingTimeout, on: handlingClock, running: running) {
                try await runPipeline(
                    update, effects: effects, running: running, logger: pipelineLogger, startedAt: startedAt)
            }
        } catch let failure as PluginFailure where failure.error is CancellationError {
            logger.info("update interrupted by the bot stopping; it stays pending for the next start")
            try? await store.releaseAttempt(updateID: record.updateID)
            return .failed
        } catch is CancellationError {
            logger.info("update interrupted by the bot stopping; it stays pending for the next start")
            try? await store.releaseAttempt(updateID: record.updateID)
            return .failed
        } catch let failure as PluginFailure {
            return await fail(record, reason: failure.description, logger: logger)
        } catch {
            return await fail(record, reason: "\(error)", logger: logger)
        }

        let participants = Participants(update: update)
        let updateID = record.updateID
        do {
            let outbox = try await writer.complete(updateID: updateID, at: now()) { db in
                try effects.commit(updateID: updateID, at: startedAt, in: db, plugins: plugins) {
                    try participants.record(in: $0, at: startedAt)
                }
            }
            let reachability = participants.blocked.flatMap { blocked in
                participants.chat.map { OutboxEntry.reachability(chatID: $0.id, blocked: blocked) }
            }
            metrics.handled(after: ContinuousClock.now - started)
            reportForgotten(effects, updateID: updateID)
            return .handled(outbox: (reachability.map { [$0] } ?? []) + outbox, earliestSchedule: effects.earliestSchedule)
        } catch {
            return await fail(record, reason: "commit failed: \(error)", logger: logger)
        }
    }

    private func runPipeline(
        _ update: Update, effects: Effects, running: RunningPlugin, logger: Logger, startedAt: Date
    ) async throws {
        let kind = update.kind
        var handledBy: String?
        for plugin in plugins {
            let name = plugin.instanceName
            guard plugin.wants(kind) else { continue }
            if handledBy != nil && !plugin.observesHandledUpdates { continue }
            running.enter(name)
            let context = context(for: update, plugin: name, effects: effects, logger: logger, now: startedAt)
            let disposition: Disposition
            do {
                disposition = try await plugin.handle(update, context: context)
            } catch {
                throw PluginFailure(plugin: name, error: error)
            }
            if disposition == .handled && handledBy == nil {
                handledBy = name
            }
        }
        if let handledBy {
            logger.trace("update handled", metadata: ["plugin": "\(handledBy)"])
        } else {
            logger.debug("no plugin handled the update", metadata: ["update_kind": "\(kind)"])
        }
    }

    /// The context one plugin gets for one update or job.
    func context(for update: Update, plugin name: String, effects: Effects, logger: Logger, now: Date)
        -> PluginContext
    {
        var pluginLogger = logger
        pluginLogger[metadataKey: "plugin"] = "\(name)"
        return PluginContext(
            bot: bot, identity: identity, update: update, logger: pluginLogger,
            storage: PluginStorage(database: store, effects: effects, pluginName: name),
            now: now, effects: effects, store: store, plugins: plugins, statusProvider: statusProvider)
    }

    /// Tells the host of the people a committed update or job forgot or exported.
    func reportForgotten(_ effects: Effects, updateID: Int64?) {
        for userID in effects.forgottenUsers {
            onEvent(.personForgotten(userID: userID, updateID: updateID))
        }
        for export in effects.exports {
            onEvent(.personExported(userID: export.userID, by: export.by, updateID: updateID))
        }
    }

    private func fail(_ record: InboxRecord, reason: String, logger: Logger) async -> Outcome {
        logger.error("update failed: \(reason)")
        metrics.failedUpdate()
        do {
            try await writer.fail(updateID: record.updateID, at: now(), error: reason)
        } catch {
            logger.error("cannot record the failure, the update stays pending: \(error)")
        }
        return .failed
    }
}

/// A plugin threw while handling an update.
struct PluginFailure: Error, CustomStringConvertible {
    let plugin: String
    let error: any Error

    var description: String { "plugin '\(plugin)' failed: \(error)" }
}

extension Plugin {
    /// Whether the plugin asked for updates of this kind.
    func wants(_ kind: UpdateKind) -> Bool {
        interests.contains(kind) || (kind.isOther && interests.contains(.anyOther))
    }
}
