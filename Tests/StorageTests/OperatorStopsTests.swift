import Foundation
import GRDB
import Storage
import Testing

/// The bots an operator stopped, kept in the host database across restarts.
@Suite("Operator stops", .timeLimit(.minutes(1)))
struct OperatorStopsTests {
    @Test("a stop is kept until it is cleared; stopping twice keeps one row")
    func keptUntilCleared() async throws {
        let queue = try DatabaseQueue()
        let stops = OperatorStops(database: try HostDatabase(writer: queue))
        #expect(try await stops.ids() == [])
        try await stops.stopped("han-ru")
        try await stops.stopped("han-ru")
        try await stops.stopped("lumen-support")
        #expect(try await stops.ids() == ["han-ru", "lumen-support"])
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM operator_stops") } == 2)
        try await stops.clear(["han-ru", "never-stopped"])
        #expect(try await stops.ids() == ["lumen-support"])
    }

    @Test("a stop survives reopening the host database, which a v1 database migrates to")
    func survivesReopening() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stops-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await OperatorStops(database: try HostDatabase.open(dataDirectory: folder)).stopped("alpha")
        let reopened = OperatorStops(database: try HostDatabase.open(dataDirectory: folder))
        #expect(try await reopened.ids() == ["alpha"])
    }
}
