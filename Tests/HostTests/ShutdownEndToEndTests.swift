import FakeModelAPI
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM ends the real binary within its drain time even while a bot waits on a call that
/// never answers, and what was in flight is handled after the next start.
@Suite("End to end: shutdown with a stuck call", .serialized, .timeLimit(.minutes(3)))
struct ShutdownEndToEndTests {
    @Test("a model call that never answers does not hold SIGTERM up; the update is handled again after a restart")
    func stuckCallDoesNotHoldShutdown() async throws {
        let (fake, sandbox) = try await CompanionEndToEndTests.prepare()
        var arguments = sandbox.runArguments
        arguments[arguments.firstIndex(of: "--shutdown-timeout")! + 1] = "2"
        let environment = ["AVIARY_ADMIN_TOKEN": CompanionEndToEndTests.admin, "COMPANION_E2E_KEY": CompanionEndToEndTests.key]
        var host = try AviaryProcess(arguments: arguments, environment: environment, logPath: sandbox.logPath)
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        try await host.waitForLog("bot started")

        fake.stall(containing: "never")
        try await CompanionEndToEndTests.write("you will never answer this", from: 3, probe)
        try await fake.waitForStalled(count: 1)
        host.signal(SIGTERM)
        // The model still holds the request: only the host's own drain limit can end it.
        let status = try await host.waitForExit(timeout: .seconds(60))
        #expect(status == 0 || status == 1, "exit status \(status)")
        #expect(fake.requests.count == 1)

        fake.release()
        host = try AviaryProcess(
            arguments: arguments, environment: environment, logPath: sandbox.logPath + ".2")
        try await host.waitForLog("bot started")
        // The interrupted update stayed pending and is handled again: the model is asked again.
        // (Its reply cannot reach the sandbox person: sandbox conversations live in memory.)
        let requests = try await fake.waitForRequests(count: 2)
        #expect(requests[1].messages.last?.content == "you will never answer this")
        try await host.waitForLog("message dead-lettered")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        let database = try DatabaseQueue(path: sandbox.dataDirectory + "/companion-e2e.sqlite")
        let statuses = try await database.read { db in try String.fetchAll(db, sql: "SELECT status FROM inbox") }
        #expect(statuses == ["done"])
        await fake.stop()
    }
}
