import Dispatch
public import GRDB

/// A connection of its own to a bot's existing database, for host work beside the bot's own
/// (retention, size): opened as the host opens bot databases (WAL, `synchronous = FULL`), never
/// migrating and never creating a file, and counted against the host's ``OpenDatabases`` bound.
public enum MaintenanceConnection {
    /// Runs `body` with a connection to the database at `path`, then closes it; `nil` when there
    /// is no database there yet.
    ///
    /// - Throws: ``StorageError`` when the file cannot be opened, and whatever `body` throws.
    public static func with<T: Sendable>(
        path: String,
        databases: OpenDatabases,
        _ body: (DatabaseQueue) async throws -> T
    ) async throws -> T? {
        let file = BotDatabaseFile(path: path, plugins: [])
        guard file.exists else { return nil }
        if case .afterClosing(let idle) = await databases.reserve() {
            await OpenDatabases.close(idle)
        }
        defer { databases.releaseSlot() }
        let queue: DatabaseQueue = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try file.open(migrate: false) }) }
        }
        do {
            let result = try await body(queue)
            await OpenDatabases.close(queue)
            return result
        } catch {
            await OpenDatabases.close(queue)
            throw error
        }
    }
}
