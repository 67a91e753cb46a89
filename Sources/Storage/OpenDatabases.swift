import Dispatch
import Synchronization
import GRDB

/// The bot databases a host keeps open at once: at most ``limit``, the least recently used
/// closed first, and any left unused for ``idleTimeout`` closed by ``closeIdle(now:)``.
///
/// A ``BotStore`` opens its file when work arrives and gives its connection back here when the
/// work is done. An idle bot therefore holds no database: no open files, no page cache, no
/// schema. Open files stay bounded whatever the number of bots: three per open database (the
/// file, its WAL and its shared-memory index) times ``limit``.
///
/// When every slot is taken, a store that needs one takes over the least recently used idle
/// database: it closes that one first, then opens its own, so the bound holds at every moment.
/// When none is idle, it waits for the first to become idle. Nothing waits while holding a
/// connection, so waiting cannot deadlock.
public final class OpenDatabases: Sendable {
    /// The most databases open at once.
    public let limit: Int
    /// How long a database may stay open unused before ``closeIdle(now:)`` closes it.
    public let idleTimeout: Duration

    private let state: Mutex<State>

    private struct State: ~Copyable {
        /// Slots taken: databases open, being opened, or being closed.
        var taken = 0
        /// Open databases with no work, by store, with when they became idle and in what order.
        var idle: [ObjectIdentifier: IdleEntry] = [:]
        var nextSequence: UInt64 = 0
        /// Stores waiting for a slot, first come first served.
        var waiters: [CheckedContinuation<Grant, Never>] = []
        /// How many databases closed so far, for tests and the idle benchmark.
        var closed = 0
    }

    private struct IdleEntry {
        let store: BotStore
        let since: ContinuousClock.Instant
        let sequence: UInt64
    }

    /// What a store that asked for a slot got.
    enum Grant {
        /// A free slot.
        case free
        /// The slot of an idle database, which the store closes before it opens its own.
        case afterClosing(DatabaseQueue)
    }

    /// Creates a registry.
    ///
    /// - Parameters:
    ///   - limit: The most databases open at once, 1 or more.
    ///   - idleTimeout: How long a database may stay open unused.
    public init(limit: Int = 200, idleTimeout: Duration = .seconds(30)) {
        precondition(limit >= 1, "OpenDatabases needs a limit of 1 or more")
        self.limit = limit
        self.idleTimeout = idleTimeout
        self.state = Mutex(State())
    }

    /// Databases open, being opened or being closed now.
    public var openCount: Int { state.withLock { $0.taken } }

    /// Open databases with no work in progress now.
    public var idleCount: Int { state.withLock { $0.idle.count } }

    /// Stores waiting for a slot now, because every open database is busy.
    public var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// How many databases this registry has closed so far (idle, evicted or stopped).
    public var closedCount: Int { state.withLock { $0.closed } }

    /// Closes every database idle since before `now - idleTimeout`, and returns how many.
    @discardableResult
    public func closeIdle(now: ContinuousClock.Instant = .now) async -> Int {
        let cutoff = now - idleTimeout
        let taken = state.withLock { state in
            var queues: [DatabaseQueue] = []
            for (key, entry) in state.idle where entry.since <= cutoff {
                state.idle[key] = nil
                if let queue = entry.store.takeIfIdle() { queues.append(queue) }
            }
            state.closed += queues.count
            return queues
        }
        for queue in taken {
            await Self.close(queue)
            releaseSlot()
        }
        return taken.count
    }

    /// Calls ``closeIdle(now:)`` every half ``idleTimeout`` until the task is cancelled, and
    /// `onClose` with how many it closed, when it closed some.
    public func run(onClose: (Int) -> Void = { _ in }) async {
        let interval = max(idleTimeout / 2, .milliseconds(10))
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let closed = await closeIdle()
            if closed > 0 { onClose(closed) }
        }
    }

    /// Gives the caller a slot, waiting for one when all are taken and none is idle.
    func reserve() async -> Grant {
        await withCheckedContinuation { continuation in
            let grant: Grant? = state.withLock { state in
                if state.taken < limit {
                    state.taken += 1
                    return .free
                }
                if let queue = Self.takeLeastRecentlyUsed(from: &state) {
                    state.closed += 1
                    return .afterClosing(queue)
                }
                state.waiters.append(continuation)
                return nil
            }
            if let grant { continuation.resume(returning: grant) }
        }
    }

    /// Gives a slot back: its database is closed (or never opened).
    func releaseSlot() {
        let waiter: CheckedContinuation<Grant, Never>? = state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.taken -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: .free)
    }

    /// Notes that `store`'s database has no work in progress; hands it at once to a store
    /// waiting for a slot, if any.
    func noteIdle(_ store: BotStore, now: ContinuousClock.Instant = .now) {
        let handOver: (CheckedContinuation<Grant, Never>, DatabaseQueue)? = state.withLock { state in
            if !state.waiters.isEmpty, let queue = store.takeIfIdle() {
                state.idle[ObjectIdentifier(store)] = nil
                state.closed += 1
                return (state.waiters.removeFirst(), queue)
            }
            state.nextSequence += 1
            state.idle[ObjectIdentifier(store)] = IdleEntry(store: store, since: now, sequence: state.nextSequence)
            return nil
        }
        if let (waiter, queue) = handOver { waiter.resume(returning: .afterClosing(queue)) }
    }

    /// Forgets `store`, which closes for good.
    func forget(_ store: BotStore) {
        state.withLock { _ = $0.idle.removeValue(forKey: ObjectIdentifier(store)) }
    }

    /// Counts a database closed by its store (a stop), whose slot the store then releases.
    func noteClosed() {
        state.withLock { $0.closed += 1 }
    }

    /// The idle database used least recently, taken from its store. A linear scan: at most
    /// ``limit`` databases are idle, and this runs only when every slot is taken.
    private static func takeLeastRecentlyUsed(from state: inout State) -> DatabaseQueue? {
        while let (key, entry) = state.idle.min(by: { $0.value.sequence < $1.value.sequence }) {
            state.idle[key] = nil
            if let queue = entry.store.takeIfIdle() { return queue }
        }
        return nil
    }

    /// Closes `queue` on a dispatch thread: closing may checkpoint the WAL and wait on the disk.
    static func close(_ queue: DatabaseQueue) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                // A failed close leaves nothing to do: SQLite releases the handle either way.
                try? queue.close()
                continuation.resume()
            }
        }
    }
}
