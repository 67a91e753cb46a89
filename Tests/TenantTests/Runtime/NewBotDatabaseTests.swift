import Foundation
import Testing
@testable import Tenant

/// A new bot creates its database with its first work: starting, polling and waiting for jobs
/// read nothing from a file that does not exist yet.
@Suite("A new bot's database", .timeLimit(.minutes(2)))
struct NewBotDatabaseTests {
    @Test("a new bot with nothing to do creates no database file while it runs; its first update creates it")
    func idleNewBotCreatesNoFile() async throws {
        let harness = TenantHarness()
        let busy = PlatformError(kind: .transient, method: "getUpdates", code: 502, message: "Bad Gateway")
        // Three failed polls and their pauses give the bot's other tasks (the job timer among
        // them) time to run before the check; none of them may touch the file.
        harness.platform.failNextPolls(Array(repeating: busy, count: 3))
        try await harness.running {
            await harness.platform.pollsSeen.wait(atLeast: 1)
            #expect(!FileManager.default.fileExists(atPath: harness.databasePath))
            harness.platform.send(chat: 3, text: "first")
            _ = try await harness.platform.waitForPerformed(1)
            #expect(FileManager.default.fileExists(atPath: harness.databasePath))
        }
        #expect(harness.platform.performed.map(\.text) == ["3:first"])
    }
}
