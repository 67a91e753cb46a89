public import Foundation
import GRDB

/// The bots an operator stopped (`operator_stops` in ``HostDatabase``), so that they stay
/// stopped across a host restart until an operator starts them again.
///
/// One row per bot id; stopping a stopped bot again keeps one row with the latest time.
///
/// ```swift
/// try await stops.stopped("han-ru")
/// try await stops.ids()        // ["han-ru"]
/// try await stops.clear(["han-ru"])
/// ```
public struct OperatorStops: Sendable {
    private let database: HostDatabase
    private let now: @Sendable () -> Date

    /// The stops kept in `database`; `now` gives each stop's time.
    public init(database: HostDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// Every bot an operator stopped and has not started since.
    public func ids() async throws -> Set<String> {
        try await database.writer.read { db in
            Set(try String.fetchAll(db, sql: "SELECT bot FROM operator_stops"))
        }
    }

    /// Remembers that an operator stopped bot `id`.
    public func stopped(_ id: String) async throws {
        let milliseconds = Int64((now().timeIntervalSince1970 * 1000).rounded(.down))
        try await database.writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO operator_stops (bot, at_ms) VALUES (?, ?)",
                arguments: [id, milliseconds]
            )
        }
    }

    /// Forgets the stops of `ids`: an operator started them, or their manifests are gone.
    public func clear(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await database.writer.write { db in
            for id in ids {
                try db.execute(sql: "DELETE FROM operator_stops WHERE bot = ?", arguments: [id])
            }
        }
    }
}
