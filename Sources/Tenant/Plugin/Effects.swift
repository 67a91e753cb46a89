import Foundation
import Synchronization
import Storage
package import GRDB

/// What one update's pipeline asked for, applied in the update's single commit transaction.
///
/// Shared by the contexts of every plugin that sees the update; a throw anywhere discards it.
package final class Effects: Sendable {
    private struct State {
        var actions: [OutgoingAction] = []
        var writes: [@Sendable (Database) throws -> Void] = []
        var deliveries: [DeliveryRequest] = []
        var earliestSchedule: Date?
        var forgottenUsers: [Int64] = []
        var exports: [PersonExportRequest] = []
    }

    private let state = Mutex(State())

    package init() {}

    func append(_ action: OutgoingAction) {
        state.withLock { $0.actions.append(action) }
    }

    func append(write: @escaping @Sendable (Database) throws -> Void) {
        state.withLock { $0.writes.append(write) }
    }

    func append(_ request: DeliveryRequest) {
        state.withLock { $0.deliveries.append(request) }
    }

    /// Notes that a plugin scheduled a job due at `date`, so the runtime's timer wakes for it.
    func noteScheduled(at date: Date) {
        state.withLock { state in state.earliestSchedule = min(state.earliestSchedule ?? date, date) }
    }

    /// Notes that a plugin asked to erase everything stored about a person.
    package func forget(userID: Int64) {
        state.withLock { state in
            if !state.forgottenUsers.contains(userID) { state.forgottenUsers.append(userID) }
        }
    }

    /// Notes that a plugin read everything stored about a person, asked by `by`.
    func noteExported(userID: Int64, by: Int64?) {
        state.withLock { $0.exports.append(PersonExportRequest(userID: userID, by: by)) }
    }

    /// The people plugins exported, in the order they did.
    var exports: [PersonExportRequest] {
        state.withLock { $0.exports }
    }

    /// The people plugins asked to forget, in the order they asked.
    package var forgottenUsers: [Int64] {
        state.withLock { $0.forgottenUsers }
    }

    /// The earliest time a job scheduled by this update is due, if it scheduled any.
    var earliestSchedule: Date? {
        state.withLock { $0.earliestSchedule }
    }

    /// Dead-letter retries and broadcasts, in the order plugins asked for them.
    package var deliveries: [DeliveryRequest] {
        state.withLock { $0.deliveries }
    }

    /// The outgoing actions in the order plugins asked for them.
    package var actions: [OutgoingAction] {
        state.withLock { $0.actions }
    }

    /// The deferred storage writes in the order plugins asked for them.
    package var writes: [@Sendable (Database) throws -> Void] {
        state.withLock { $0.writes }
    }
}

extension Effects {
    /// Applies everything inside a commit transaction: the plugins' writes, then `beforeOutbox`,
    /// then the forgetting of people (``eraseForgotten(in:plugins:currentUpdate:)``), then the outbox rows
    /// of the actions and deliveries.
    ///
    /// - Returns: The outbox entries to hand to the sender: the rows inserted, each action kept
    ///   beside its JSON, and the chats a retry unblocked.
    func commit(
        updateID: Int64?, at date: Date, in db: Database, plugins: [any Plugin],
        beforeOutbox: (Database) throws -> Void = { _ in }
    ) throws -> [OutboxEntry] {
        for write in writes { try write(db) }
        try beforeOutbox(db)
        try eraseForgotten(in: db, plugins: plugins, currentUpdate: updateID)
        var entries = try actions.map { action in
            var row = OutboxRecord(
                chatID: action.chatID, updateID: updateID, payload: try OutboxCoding.encode(action), createdAt: date)
            try row.insert(db)
            return OutboxEntry.message(OutboxItem(record: row, action: action))
        }
        for request in deliveries {
            entries += try request.apply(in: db, at: date)
        }
        return entries
    }
}

extension Effects {
    /// Erases everything stored about each person in ``forgottenUsers``: the host's rows
    /// (``BotStore/forgetHostRows(ofUser:currentUpdate:in:)``), then every plugin's own
    /// (``Plugin/forget(userID:in:)``), in manifest order.
    ///
    /// Runs after the plugins' writes and the participants' upsert, so nothing this update
    /// wrote about the person survives; before the outbox rows, so its replies still go out.
    package func eraseForgotten(in db: Database, plugins: [any Plugin], currentUpdate: Int64?) throws {
        for userID in forgottenUsers {
            try BotStore.forgetHostRows(ofUser: userID, currentUpdate: currentUpdate, in: db)
            for plugin in plugins {
                do {
                    try plugin.forget(userID: userID, in: db)
                } catch {
                    throw PluginFailure(plugin: plugin.instanceName, error: error)
                }
            }
        }
    }
}

/// A person a plugin exported (``PluginContext/exportPerson(_:)``), and who asked.
struct PersonExportRequest: Sendable {
    /// The person.
    var userID: Int64
    /// The platform user who asked, if the update had a sender.
    var by: Int64?
}

/// A change to the outbox that a plugin asked for, applied in the update's commit.
package enum DeliveryRequest: Sendable {
    /// Put dead letters back in the queue; all of them when `nil`.
    case retryDeadLetters([Int64]?)
    /// Send a text to every chat the filter selects.
    case broadcast(BroadcastMessage, filter: BroadcastFilter)
}
