public import Foundation
import Synchronization
public import GRDB

/// Writes the units of work that are ready at the same moment in one transaction: a group
/// commit, one per bot.
///
/// A unit written while no transaction is under way commits at once, alone, so under light
/// traffic nothing waits for company. Units that arrive while a transaction is being written
/// wait for it and then commit together in the next one: the group is whatever was already
/// waiting, never what might come. Each unit runs in a savepoint of its own, so a unit that
/// throws is rolled back alone and gets its error while the others commit. When the
/// transaction itself fails (a full disk), every unit in it gets that error.
///
/// "Sent" marks (``noteSent(outboxID:at:)``) wait in memory and ride along in the next
/// transaction; ``flushSentMarks()`` returns once every mark noted before it is durable.
/// A received batch rides along the same way: stored without a sync, it becomes durable with
/// the next transaction, which also records the poll offset after it (``confirmation(offset:)``);
/// when none comes within ``confirmationTick``, an empty one is written for it.
///
/// - Important: The transaction is written by a task of its own: cancelling the caller that
///   happens to lead a group does not roll back the others' work.
public final class GroupCommit: Sendable {
    private let store: BotStore
    private let state = Mutex(State())
    /// For tests: how many units the group of this index (0 for the first) waits for before it
    /// is gathered, so that the groups a test expects form whatever the scheduling.
    private let groupSizes: (@Sendable (Int) -> Int)?
    /// The longest a ``Confirmation`` waits for a transaction to carry it before one is
    /// written for it alone.
    public let confirmationTick: Duration

    private struct State {
        /// Whether a group is being gathered or written.
        var writing = false
        /// Units waiting for the next group, in arrival order.
        var waiting: [Waiter] = []
        /// Sent marks not taken by a transaction yet.
        var sentMarks: [SentMark] = []
        /// Sent marks in the transaction being written, not durable yet.
        var sentMarksInFlight = 0
        /// Groups gathered so far.
        var groups = 0
        /// A leader holding its group open until this many units are in it (``groupSizes``).
        var holding: (size: Int, continuation: CheckedContinuation<Void, Never>)?
        /// Confirmations not taken by a transaction yet.
        var confirmations: [Confirmation] = []
        /// The poll offset to record with the next transaction.
        var offset: Int64?
        /// Whether a task waits ``confirmationTick`` to write a transaction for waiting confirmations.
        var tickArmed = false
    }

    private struct Waiter {
        let unit: Unit
        let continuation: CheckedContinuation<Turn, Never>
    }

    /// One caller's work, applied inside the group transaction; it keeps its own outcome.
    private struct Unit: Sendable {
        let apply: @Sendable (Database) -> Void
    }

    /// What a waiting unit is told.
    private enum Turn: Sendable {
        /// Lead the next group (the unit was not written yet).
        case lead
        /// The unit's group committed, or failed with this error.
        case written((any Error)?)
    }

    /// Creates the group commit of `store`; a confirmation waits at most `confirmationTick` for
    /// a transaction to carry it.
    public convenience init(store: BotStore, confirmationTick: Duration = .milliseconds(50)) {
        self.init(store: store, groupSizes: nil, confirmationTick: confirmationTick)
    }

    /// Creates the group commit of `store` whose group of index `i` is gathered only once it
    /// holds `groupSizes(i)` units (for tests: production gathers whatever is waiting).
    package init(
        store: BotStore, groupSizes: (@Sendable (Int) -> Int)?, confirmationTick: Duration = .milliseconds(50)
    ) {
        self.store = store
        self.groupSizes = groupSizes
        self.confirmationTick = confirmationTick
    }

    /// Runs `body` in a savepoint of the next group transaction and returns once that
    /// transaction committed.
    ///
    /// - Throws: What `body` threw (none of its changes stay; the group's other units still
    ///   commit), or the error that failed the whole transaction.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let outcome = UnitOutcome<T>()
        try await commit(Unit { db in outcome.set(Result { try Self.inSavepoint(db, body) }) })
        return try outcome.get()
    }

    /// Notes that a message was sent; the mark is written with the next transaction.
    public func noteSent(outboxID: Int64, at date: Date) {
        state.withLock { $0.sentMarks.append(SentMark(outboxID: outboxID, date: date)) }
    }

    /// Returns once every sent mark noted before the call is durable, writing a transaction
    /// only when some mark is not.
    public func flushSentMarks() async throws {
        let pending = state.withLock { !$0.sentMarks.isEmpty || $0.sentMarksInFlight > 0 }
        guard pending else { return }
        try await commit(Unit { _ in })
    }

    /// Asks for the writes made so far (a batch stored with ``BotStore/ingestUnsynced(_:)``) to
    /// become durable, with `offset` (a poll's next offset) recorded beside them, by the next
    /// transaction: one written for other work within ``confirmationTick``, else one of its own.
    ///
    /// Taken at once, so that work the caller queues after this call (the batch's updates)
    /// can carry it; ``Confirmation/durable()`` waits for it.
    public func confirmation(offset: Int64?) -> Confirmation {
        let confirmation = Confirmation()
        let arm = state.withLock { state in
            state.confirmations.append(confirmation)
            if let offset { state.offset = max(state.offset ?? offset, offset) }
            defer { state.tickArmed = true }
            return !state.tickArmed
        }
        if arm {
            let tick = confirmationTick
            Task {
                try? await Task.sleep(for: tick)
                await self.tickElapsed()
            }
        }
        return confirmation
    }

    /// Writes a transaction for the confirmations that no transaction took within the tick.
    private func tickElapsed() async {
        let waiting = state.withLock { state in
            state.tickArmed = false
            return !state.confirmations.isEmpty
        }
        // Its error reaches the confirmations it carried.
        if waiting { try? await commit(Unit { _ in }) }
    }

    private func commit(_ unit: Unit) async throws {
        let turn: Turn = await withCheckedContinuation { continuation in
            let (leads, held) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard state.writing else {
                    state.writing = true
                    return (true, nil)
                }
                state.waiting.append(Waiter(unit: unit, continuation: continuation))
                guard let holding = state.holding, state.waiting.count + 1 >= holding.size else { return (false, nil) }
                state.holding = nil
                return (false, holding.continuation)
            }
            if leads { continuation.resume(returning: .lead) }
            held?.resume()
        }
        switch turn {
        case .written(let failure):
            if let failure { throw failure }
        case .lead:
            try await lead(with: unit)
        }
    }

    /// Writes `own` with every unit and sent mark waiting, then hands the lead to the first
    /// unit that arrived meanwhile.
    private func lead(with own: Unit) async throws {
        if let groupSizes { await holdOpen(groupSizes) }
        let (followers, marks, confirmations, offset) = state.withLock { state in
            defer {
                state.waiting = []
                state.sentMarks = []
                state.confirmations = []
                state.offset = nil
            }
            state.sentMarksInFlight = state.sentMarks.count
            return (state.waiting, state.sentMarks, state.confirmations, state.offset)
        }
        let units = [own] + followers.map(\.unit)
        let store = self.store
        let failure: (any Error)? = await Task {
            do {
                try await store.write { db in
                    try BotStore.recordSent(marks, in: db)
                    if let offset { try HostState.set(HostState.pollOffset, to: offset, in: db) }
                    for unit in units { unit.apply(db) }
                }
                return nil
            } catch {
                return error
            }
        }.value
        let next: Waiter? = state.withLock { state in
            state.sentMarksInFlight = 0
            if failure != nil { state.sentMarks = marks + state.sentMarks }
            guard !state.waiting.isEmpty else {
                state.writing = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        for follower in followers { follower.continuation.resume(returning: .written(failure)) }
        for confirmation in confirmations { confirmation.settle(failure) }
        next?.continuation.resume(returning: .lead)
        if let failure { throw failure }
    }

    /// Waits until the group about to be gathered holds as many units as `groupSizes` says.
    private func holdOpen(_ groupSizes: @Sendable (Int) -> Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                let size = groupSizes(state.groups)
                state.groups += 1
                guard state.waiting.count + 1 < size else { return true }
                state.holding = (size, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func inSavepoint<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        var value: T?
        try db.inSavepoint {
            value = try body(db)
            return .commit
        }
        guard let value else { preconditionFailure("a savepoint that committed ran its body") }
        return value
    }
}

extension GroupCommit {
    /// A request for durability taken by ``GroupCommit/confirmation(offset:)``, settled by the
    /// transaction that carries it.
    public final class Confirmation: Sendable {
        private let state = Mutex<(settled: Bool, failure: (any Error)?, waiter: CheckedContinuation<Void, any Error>?)>(
            (false, nil, nil))

        /// Returns once the transaction that carried the confirmation committed.
        ///
        /// - Throws: The error that failed that transaction.
        public func durable() async throws {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let settled: (any Error)?? = state.withLock { state in
                    guard state.settled else {
                        state.waiter = continuation
                        return nil
                    }
                    return .some(state.failure)
                }
                guard let settled else { return }
                if let failure = settled { continuation.resume(throwing: failure) } else { continuation.resume() }
            }
        }

        fileprivate func settle(_ failure: (any Error)?) {
            let waiter = state.withLock { state in
                state.settled = true
                state.failure = failure
                defer { state.waiter = nil }
                return state.waiter
            }
            guard let waiter else { return }
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
        }
    }
}

/// What one unit's body returned or threw, kept until its group has committed.
private final class UnitOutcome<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)

    func set(_ value: Result<T, any Error>) {
        result.withLock { $0 = value }
    }

    func get() throws -> T {
        guard let value = result.withLock({ $0 }) else { preconditionFailure("a committed unit was applied") }
        return try value.get()
    }
}
