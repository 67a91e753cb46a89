public import GRDB
/// Where one unit of work is written: a transaction of its own (``BotStore``), or a share of
/// the next group transaction (``GroupCommit``).
///
/// Either way `body` is all-or-nothing: when it throws, none of its changes stay and the error
/// is rethrown; when it returns, its changes are durable. The methods written on it (storing a
/// batch with its offset, an update's attempt, its effects with its "done" mark) say "one
/// transaction" in that sense.
public protocol TransactionWriter: Sendable {
    /// Runs `body` as one unit of work and returns once its changes are committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T
}

extension BotStore: TransactionWriter {}
extension GroupCommit: TransactionWriter {}
