import Dispatch
import Synchronization
public import GRDB

/// One bot's SQLite database, open while there is work for it.
///
/// The file is created `0600` inside a `0700` folder and runs in WAL mode through a single
/// connection (a GRDB `DatabaseQueue`): one bot writes from one place, its reads are small, and
/// every extra connection would cost each bot its own page cache and schema and two more open
/// files. An open store holds three files: the database, its WAL and its shared-memory index.
///
/// The connection opens when work arrives (``read(_:)``, ``write(_:)``, ``withDatabase(_:)``)
/// and goes back to the host's ``OpenDatabases`` when the work is done, which closes it after a
/// quiet period or when another bot needs the slot. The host's tables are migrated on the first
/// open, then each plugin's own migrations in their own namespace; later opens skip that.
///
/// - Important: Every invariant is kept inside one `write {}`: an update's plugin state, its
///   outbox rows and its "done" mark commit together or not at all.
public final class BotStore: Sendable {
    /// Where the file lives, or `nil` in memory.
    public let path: String?
    private let file: BotDatabaseFile?
    private let databases: OpenDatabases?
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var connection: Connection
        /// Whether this process has migrated the file already.
        var migrated = false
        /// Set by ``close()``: no new work; the last lease closes the connection.
        var retired = false
        /// ``close()`` calls waiting for the work in progress to end.
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private enum Connection {
        case closed
        /// Being opened; these wait for it.
        case opening([CheckedContinuation<DatabaseQueue?, any Error>])
        case open(DatabaseQueue, leases: Int)
        /// Closing for good, after ``close()``.
        case closing
    }

    /// Prepares the store of the file at `path`; nothing is opened until work arrives.
    ///
    /// - Parameters:
    ///   - path: The SQLite file, created `0600` if missing. Its folder is created `0700` if missing.
    ///   - plugins: The plugins' migrations, each run in its own namespace.
    ///   - databases: The host's bound on open databases, shared by every bot.
    public init(path: String, plugins: [PluginMigrations], databases: OpenDatabases) {
        self.path = path
        self.file = BotDatabaseFile(path: path, plugins: plugins)
        self.databases = databases
        self.state = Mutex(State(connection: .closed))
    }

    /// Opens and migrates the database at `path` once, so that a missing folder, a broken file
    /// or a failing migration shows at start; the connection then goes back to `databases`.
    ///
    /// - Parameter databases: The host's bound on open databases; by default one of the store's own.
    /// - Throws: ``StorageError`` naming the file and what to do.
    public static func open(
        path: String, plugins: [PluginMigrations], databases: OpenDatabases = OpenDatabases()
    ) async throws
        -> BotStore
    {
        let store = BotStore(path: path, plugins: plugins, databases: databases)
        try await store.withDatabase { _ in }
        return store
    }

    /// Creates a database in memory, for tests. It stays open until ``close()``.
    public init(inMemoryWith plugins: [PluginMigrations]) throws {
        let queue = try DatabaseQueue()
        try BotDatabaseFile.migrate(queue, plugins: plugins)
        path = nil
        file = nil
        databases = nil
        state = Mutex(State(connection: .open(queue, leases: 0), migrated: true))
    }

    /// Reads from the database, opening it if needed.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withDatabase { try await $0.read(body) }
    }

    /// Writes in one transaction, opening the database if needed.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withDatabase { try await $0.write(body) }
    }

    /// Writes in one transaction that reaches the operating system but is not synced to the
    /// disk: it outlives the process (a crash, a kill) but not a power cut, until the next
    /// synced commit, which syncs it too. For marks that only need to outlive the process.
    public func writeUnsynced<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withDatabase { writer in
            try await writer.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute()
                let outcome = Result<T, any Error> {
                    var value: T?
                    try db.inTransaction {
                        value = try body(db)
                        return .commit
                    }
                    guard let value else { preconditionFailure("a committed transaction ran its body") }
                    return value
                }
                try db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute()
                return try outcome.get()
            }
        }
    }

    /// Runs `body` with the open database, which stays open until `body` returns.
    ///
    /// - Throws: ``StorageError`` when the database cannot be opened or the store is closed,
    ///   and whatever `body` throws.
    public func withDatabase<T>(_ body: (any DatabaseWriter) async throws -> T) async throws -> T {
        let queue = try await lease()
        defer { release() }
        return try await body(queue)
    }

    /// Closes the database for good: later work fails. Work in progress finishes first, and
    /// this returns once the connection is closed.
    public func close() async {
        let queue: DatabaseQueue? = state.withLock { state in
            state.retired = true
            guard case .open(let queue, leases: 0) = state.connection else { return nil }
            state.connection = .closing
            return queue
        }
        if let queue {
            await finishClosing(queue)
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let closed = state.withLock { state in
                guard case .closed = state.connection else {
                    state.closeWaiters.append(continuation)
                    return false
                }
                return true
            }
            if closed { continuation.resume() }
        }
    }

    /// The file of a store that has not opened it in this process and finds nothing at its
    /// path; `nil` in memory, once opened, or when the path holds something.
    var newFile: BotDatabaseFile? {
        guard let file, !state.withLock({ $0.migrated }), !file.exists else { return nil }
        return file
    }

    /// Whether ``close()`` was called: no new work is taken.
    var isRetired: Bool { state.withLock { $0.retired } }

    /// Takes the connection away if it is open and unused, for ``OpenDatabases`` to close.
    func takeIfIdle() -> DatabaseQueue? {
        state.withLock { state in
            guard file != nil, case .open(let queue, leases: 0) = state.connection else { return nil }
            state.connection = .closed
            return queue
        }
    }

    private func lease() async throws -> DatabaseQueue {
        // The common case, an open connection, takes its lease without a continuation.
        let open: DatabaseQueue? = state.withLock { state in
            guard !state.retired, case .open(let queue, let leases) = state.connection else { return nil }
            state.connection = .open(queue, leases: leases + 1)
            return queue
        }
        if let open { return open }
        let ready: DatabaseQueue? = try await withCheckedThrowingContinuation { continuation in
            state.withLock { state in
                guard !state.retired else {
                    continuation.resume(throwing: StorageError(
                        "the database \(path ?? ":memory:") is closed: the bot stopped; start it again to use it"))
                    return
                }
                switch state.connection {
                case .open(let queue, let leases):
                    state.connection = .open(queue, leases: leases + 1)
                    continuation.resume(returning: queue)
                case .opening(var waiters):
                    waiters.append(continuation)
                    state.connection = .opening(waiters)
                case .closed:
                    state.connection = .opening([])
                    continuation.resume(returning: nil)
                case .closing:
                    preconditionFailure("only a retired store closes for good")
                }
            }
        }
        if let ready { return ready }
        return try await openConnection()
    }

    /// Opens the connection for this lease and every lease that waited meanwhile.
    private func openConnection() async throws -> DatabaseQueue {
        guard let file, let databases else {
            preconditionFailure("an in-memory store is never closed")
        }
        if case .afterClosing(let idle) = await databases.reserve() {
            await OpenDatabases.close(idle)
        }
        let migrate = state.withLock { !$0.migrated }
        let result: Result<DatabaseQueue, any Error> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { try file.open(migrate: migrate) })
            }
        }
        let waiters = state.withLock { state in
            guard case .opening(let waiters) = state.connection else {
                preconditionFailure("only the opening lease leaves the opening state")
            }
            switch result {
            case .success(let queue):
                state.connection = .open(queue, leases: 1 + waiters.count)
                state.migrated = true
            case .failure:
                state.connection = .closed
            }
            return waiters
        }
        switch result {
        case .success(let queue):
            for waiter in waiters { waiter.resume(returning: queue) }
            return queue
        case .failure(let error):
            databases.releaseSlot()
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
    }

    private func release() {
        enum Next { case nothing, idle, close(DatabaseQueue) }
        let next: Next = state.withLock { state in
            guard case .open(let queue, let leases) = state.connection else {
                preconditionFailure("a lease ended on a database that is not open")
            }
            state.connection = .open(queue, leases: leases - 1)
            guard leases == 1 else { return .nothing }
            guard state.retired else { return file == nil ? .nothing : .idle }
            state.connection = .closing
            return .close(queue)
        }
        switch next {
        case .nothing:
            break
        case .idle:
            databases?.noteIdle(self)
        case .close(let queue):
            Task { await finishClosing(queue) }
        }
    }

    /// Closes the connection of a retired store, gives its slot back and wakes ``close()``.
    private func finishClosing(_ queue: DatabaseQueue) async {
        if let databases {
            databases.forget(self)
            await OpenDatabases.close(queue)
            databases.noteClosed()
            databases.releaseSlot()
        } else {
            await OpenDatabases.close(queue)
        }
        let waiters = state.withLock { state in
            state.connection = .closed
            defer { state.closeWaiters = [] }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
