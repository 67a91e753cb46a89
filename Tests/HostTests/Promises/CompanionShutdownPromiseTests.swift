import FakeModelAPI
import Foundation
import Tenant
import Testing
import Storage
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The README's companion promise for a stop: "A bot that stops lets the calls in flight finish
/// (up to `timeout`)". The other half, a stop cut short, is ShutdownEndToEndTests: the call is
/// abandoned and the update is handled again after the next start.
@Suite("Promise: a stopping companion bot lets its model call finish", .serialized, .timeLimit(.minutes(3)))
struct CompanionShutdownPromiseTests {
    @Test("SIGTERM while the model holds a call: the call finishes, its answer is stored and the update is done")
    func callInFlightFinishes() async throws {
        let (fake, sandbox) = try await CompanionEndToEndTests.prepare()
        let (host, probe) = try await CompanionEndToEndTests.startHost(sandbox)
        fake.stall(containing: "slow")
        try await CompanionEndToEndTests.write("a slow question", from: 5, probe)
        try await fake.waitForStalled(count: 1)
        host.signal(SIGTERM)
        try await host.waitForLog("shutting down: draining")
        // The bot is draining with the call held; only now does the model answer.
        fake.release()
        #expect(try await host.waitForExit() == 0, "\(host.log)")
        #expect(!host.log.contains("abandoned"), "\(host.log)")

        let database = try DatabaseQueue(path: sandbox.dataDirectory + "/companion-e2e.sqlite")
        let (statuses, turns) = try await database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT status FROM inbox"),
                try String.fetchAll(db, sql: "SELECT role || ': ' || text FROM companion_turns ORDER BY id")
            )
        }
        #expect(statuses == ["done"], "the update is finished, not left for the next start")
        #expect(turns == ["user: a slow question", "assistant: fake reply 1 to: a slow question"])
        #expect(fake.requests.count == 1)
        await fake.stop()
    }
}
