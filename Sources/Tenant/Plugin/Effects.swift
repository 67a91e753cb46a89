import Synchronization

/// What one update's pipeline asked for, applied in the update's single commit transaction.
///
/// Shared by the contexts of every plugin that sees the update; a throw anywhere discards it.
package final class Effects: Sendable {
    private struct State {
        var actions: [OutgoingAction] = []
        var writes: [@Sendable (Database) throws -> Void] = []
        var deliveries: [DeliveryRequest] = []
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

/// A change to the outbox that a plugin asked for, applied in the update's commit.
package enum DeliveryRequest: Sendable {
    /// Put dead letters back in the queue; all of them when `nil`.
    case retryDeadLetters([Int64]?)
    /// Send a text to every chat the filter selects.
    case broadcast(text: String, parseMode: ParseMode?, filter: BroadcastFilter)
}
