import Foundation
import Testing
import TenantTestSupport
@testable import Tenant
import Storage
import GRDB

@Suite("Tenant runtime")
struct TenantRuntimeTests {
    @Test("one chat strictly in order while many chats run concurrently", .timeLimit(.minutes(2)))
    func perChatOrder() async throws {
        let harness = TenantHarness()
        let chats: [Int64] = Array(1...40)
        let perChat = 15
        try await harness.running {
            for index in 0..<perChat {
                for chat in chats { harness.platform.send(chat: chat, text: "m\(index)") }
            }
            _ = try await harness.platform.waitForPerformed(chats.count * perChat)
        }
        let performed = harness.platform.performed
        for chat in chats {
            let texts = performed.filter { $0.chatID == chat }.map(\.text)
            #expect(texts == (0..<perChat).map { "\(chat):m\($0)" })
        }

        let store = try await harness.openStore()
        let rows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT chat, text FROM ledger ORDER BY id")
                .map { (chat: $0["chat"] as Int64, text: $0["text"] as String) }
        }
        #expect(rows.count == chats.count * perChat)
        for chat in chats {
            let texts = rows.filter { $0.chat == chat }.map(\.text)
            #expect(texts == (0..<perChat).map { "m\($0)" })
        }
        let status = try await store.status()
        #expect(status.updatesHandled == Int64(chats.count * perChat))
        #expect(status.inboxDepth == 0)
        #expect(status.outboxDepth == 0)
    }

    @Test("chats run in parallel: chat 1's handler holds until chat 2's has started", .timeLimit(.minutes(1)))
    func chatsOverlap() async throws {
        let probe = OverlapProbe()
        let harness = TenantHarness(plugins: [probe.plugin])
        try await harness.running {
            harness.platform.send(chat: 1, text: "wait for 2")
            await probe.started(chat: 1).wait()
            // Chat 1's handler is now blocked; with serial dispatch chat 2 would never start.
            harness.platform.send(chat: 2, text: "go")
            _ = try await harness.platform.waitForPerformed(2)
        }
        #expect(Set(harness.platform.performed.map(\.text)) == ["1:wait for 2", "2:go"])
    }

    @Test("a throwing plugin applies nothing for that update and the bot goes on")
    func pluginThrowIsolated() async throws {
        let harness = TenantHarness()
        try await harness.running {
            harness.platform.send(chat: 7, text: "before")
            harness.platform.send(chat: 7, text: "boom")
            harness.platform.send(chat: 7, text: "after")
            _ = try await harness.platform.waitForPerformed(2)
        }
        #expect(harness.platform.performed.map(\.text) == ["7:before", "7:after"])
        let store = try await harness.openStore()
        let (ledger, failed) = try await store.read { db in
            (try String.fetchAll(db, sql: "SELECT text FROM ledger ORDER BY id"),
             try Row.fetchOne(db, sql: "SELECT status, error FROM inbox WHERE update_id = 2")
                .map { (status: $0["status"] as String, error: $0["error"] as String?) })
        }
        #expect(ledger == ["before", "after"])
        #expect(failed?.status == "failed")
        #expect(failed?.error?.contains("plugin 'ledger' failed") == true)
        #expect(try await store.status().updatesFailed == 1)
    }

    @Test("an update whose plugin was cancelled (a stop cut short) stays pending for the next start; it did not fail")
    func cancelledStaysPending() async throws {
        let harness = TenantHarness()
        try await harness.running {
            harness.platform.send(chat: 7, text: "interrupted")
            harness.platform.send(chat: 8, text: "other")
            _ = try await harness.platform.waitForPerformed(1)
        }
        let store = try await harness.openStore()
        let status = try await store.read { db in try String.fetchOne(db, sql: "SELECT status FROM inbox WHERE update_id = 1") }
        #expect(status == "pending")
        #expect(try await store.status().updatesFailed == 0)
    }

    @Test("an update delivered twice is handled once")
    func deduplicates() async throws {
        let harness = TenantHarness()
        try await harness.running {
            harness.platform.send(chat: 3, text: "once", updateID: 10)
            _ = try await harness.platform.waitForPerformed(1)
            // The platform redelivers it (as Telegram does when an offset was never confirmed).
            let store = try await harness.openStore()
            let inserted = try await store.ingest(
                [InboxRecord(updateID: 10, lane: 3, kind: "message", payload: Data(), receivedAt: Date())],
                nextOffset: nil)
            #expect(inserted.isEmpty)
            harness.platform.send(chat: 3, text: "twice", updateID: 11)
            _ = try await harness.platform.waitForPerformed(2)
        }
        #expect(harness.platform.performed.map(\.text) == ["3:once", "3:twice"])
    }

    @Test("updates left pending by a crash are handled at the next start, and the offset is kept",
          .timeLimit(.minutes(1)))
    func recoversPendingInbox() async throws {
        let path = TenantHarness.temporaryDatabase()
        do {
            let store = try await BotStore.open(path: path, plugins: [])
            let raw = try JSONSerialization.data(withJSONObject: ["update_id": 5, "chat": 9, "text": "left over"])
            _ = try await store.ingest(
                [InboxRecord(updateID: 5, lane: 9, kind: "message", payload: raw, receivedAt: Date())],
                nextOffset: 6)
            await store.close()
        }
        let harness = TenantHarness(databasePath: path)
        try await harness.running {
            _ = try await harness.platform.waitForPerformed(1)
            // The left-over update needs no poll; the offset is checked once one came.
            await harness.platform.pollsSeen.wait()
        }
        #expect(harness.platform.performed.map(\.text) == ["9:left over"])
        #expect(harness.platform.offsetsSeen.first == 6)
    }

    @Test("a rejected token fails the bot with a clear reason")
    func rejectedToken() async throws {
        let platform = ScriptedPlatform(
            identifyError: PlatformError(kind: .unauthorized, method: "getMe", code: 401,
                                         message: "token rejected by Telegram (401)"))
        let harness = TenantHarness(platform: platform)
        await #expect(throws: TenantError(botID: "test-bot", reason: "token rejected by Telegram (401)")) {
            try await harness.tenant.run()
        }
        #expect(harness.states.states.last == .failed("token rejected by Telegram (401)"))
    }

    @Test("transient send failures are retried in order; permanent ones are dead-lettered")
    func sendRetries() async throws {
        let harness = TenantHarness()
        harness.platform.failNextPerforms([
            PlatformError(kind: .transient, method: "sendMessage", code: 502, message: "Bad Gateway"),
            PlatformError(kind: .rateLimited(retryAfter: .milliseconds(20)), method: "sendMessage", code: 429,
                          message: "Too Many Requests: retry after 1"),
        ])
        try await harness.running {
            harness.platform.send(chat: 1, text: "a")
            harness.platform.send(chat: 1, text: "b")
            _ = try await harness.platform.waitForPerformed(2)
            harness.platform.failNextPerforms([
                PlatformError(kind: .permanent, method: "sendMessage", code: 400, message: "Bad Request: chat not found")
            ])
            harness.platform.send(chat: 1, text: "lost")
            harness.platform.send(chat: 1, text: "c")
            _ = try await harness.platform.waitForPerformed(3)
        }
        #expect(harness.platform.performed.map(\.text) == ["1:a", "1:b", "1:c"])
        let status = try await harness.openStore().status()
        #expect(status.messagesDead == 1)
        #expect(status.lastError?.contains("chat not found") == true)
    }

    @Test("stopping drains: the outbox is flushed before run returns")
    func stopFlushesOutbox() async throws {
        let harness = TenantHarness()
        try await harness.running {
            for index in 0..<20 { harness.platform.send(chat: Int64(index % 4), text: "x\(index)") }
            _ = try await harness.platform.waitForPerformed(1)
        }
        let status = try await harness.openStore().status()
        #expect(status.outboxDepth == 0)
        #expect(Int(status.messagesSent) == harness.platform.performed.count)
        #expect(harness.states.states.last == .stopped)
    }

    @Test("stopping a bot whose platform never answers getMe returns: the call is cancelled", .timeLimit(.minutes(1)))
    func stopWhileIdentifying() async throws {
        let harness = TenantHarness(platform: ScriptedPlatform(hangsOnIdentify: true))
        async let run: Void = harness.tenant.run()
        // The platform answers nothing until cancelled: `run` returns only if the stop cancels it.
        await harness.platform.identifyCalls.wait()
        harness.tenant.stop()
        try await run
        #expect(harness.states.states.last == .stopped)
    }

    @Test("409 conflicts are retried with growing pauses, never a hot loop, and the bot carries on",
          .timeLimit(.minutes(1)))
    func conflictBackoff() async throws {
        let conflict = PlatformError(
            kind: .conflict, method: "getUpdates", code: 409,
            message: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
        let clock = ManualClock()
        let harness = TenantHarness(clock: clock)
        harness.platform.failNextPolls(Array(repeating: conflict, count: 5))
        try await harness.running {
            // Each conflict is followed by a pause on the clock, and no poll comes before it ends.
            for conflicts in 1...5 {
                await clock.waitForSleeper()
                #expect(harness.platform.pollAttempts.count == conflicts, "no poll before the pause ends")
                let pause = try #require(clock.nextDeadline) - clock.now
                // The harness backs off 1–50 ms per retry (10 ms doubling): never zero, never past the maximum.
                #expect(pause >= .milliseconds(1) && pause <= .milliseconds(50), "pause \(pause)")
                clock.advance(by: pause)
            }
            harness.platform.send(chat: 3, text: "after the conflict")
            _ = try await harness.platform.waitForPerformed(1)
        }
        #expect(harness.platform.performed.map(\.text) == ["3:after the conflict"])
        #expect(harness.platform.pollAttempts.count >= 6)
        #expect(harness.states.states.contains(.running) && harness.states.states.last == .stopped)
    }
}
