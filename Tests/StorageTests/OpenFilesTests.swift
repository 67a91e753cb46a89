import Foundation
import Testing
@testable import Storage

/// A host carries thousands of bots under one open-file limit: what one open database costs in
/// file descriptors must not grow with how its bot is used.
@Suite("BotStore open files", .timeLimit(.minutes(2)))
struct OpenFilesTests {
    /// The descriptors this process holds on the database at `path`, its WAL and its index.
    private static func descriptors(on path: String) throws -> Int {
        let names = [path, path + "-wal", path + "-shm"]
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
            else { return false }
            return names.contains(target)
        }.count
    }

    @Test("an open store holds its database, WAL and index once each, however many reads ran at once",
          arguments: [1, 8, 64])
    func threeFiles(concurrentReads: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-fds-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("bot.sqlite").path
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try BotStore(path: path, plugins: [])
        try await store.writer.write { db in
            try db.execute(sql: "CREATE TABLE numbers (n INTEGER)")
            for n in 0..<100 { try db.execute(sql: "INSERT INTO numbers VALUES (?)", arguments: [n]) }
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<concurrentReads {
                group.addTask { try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT SUM(n) FROM numbers")! } }
            }
            for try await sum in group { #expect(sum == 4950) }
        }
        #expect(try Self.descriptors(on: path) == 3)
        try store.close()
        #expect(try Self.descriptors(on: path) == 0)
    }
}
