import Foundation
import Testing
@testable import Storage
import GRDB

/// A host carries thousands of bots under one open-file limit: what one open database costs in
/// file descriptors must not grow with how its bot is used.
@Suite("BotStore open files", .timeLimit(.minutes(2)))
struct OpenFilesTests {
    @Test("an open store holds its database, WAL and index once each, however many reads ran at once",
          arguments: [1, 8, 64])
    func threeFiles(concurrentReads: Int) async throws {
        let folder = DatabaseDescriptors.temporaryFolder()
        let path = folder.appendingPathComponent("bot.sqlite").path
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await BotStore.open(path: path, plugins: [])
        try await store.write { db in
            try db.execute(sql: "CREATE TABLE numbers (n INTEGER)")
            for n in 0..<100 { try db.execute(sql: "INSERT INTO numbers VALUES (?)", arguments: [n]) }
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<concurrentReads {
                group.addTask { try await store.read { db in try Int.fetchOne(db, sql: "SELECT SUM(n) FROM numbers")! } }
            }
            for try await sum in group { #expect(sum == 4950) }
        }
        #expect(try DatabaseDescriptors.count(on: path) == 3)
        await store.close()
        #expect(try DatabaseDescriptors.count(on: path) == 0)
    }
}
