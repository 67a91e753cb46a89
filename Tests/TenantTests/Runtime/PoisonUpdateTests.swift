import Foundation
import Synchronization
import Testing
@testable import Tenant
import TenantTestSupport
import Storage
import GRDB

/// Updates that would freeze their chat: one the host never lived through, one whose plugin
/// never answers. Each is given up on, marked failed with a reason, and its chat goes on.
@Suite("Poison updates", .timeLimit(.minutes(2)))
struct PoisonUpdateTests {
    @Test("an update the host did not live through three times is failed at the next start; its chat goes on")
    func givenUpAfterAttempts() async throws {
        let harness = TenantHarness()
        let seeded = try await BotStore.open(path: harness.databasePath, plugins: [])
        let payload = try JSONSerialization.data(withJSONObject: ["update_id": 1, "chat": 7, "text": "poison"])
        _ = try await seeded.ingest(
            [InboxRecord(updateID: 1, lane: 7, kind: "message", payload: payload, receivedAt: Date())], nextOffset: 2)
        // Three starts began handling it and none finished (a crash, or a kill of a stuck host).
        for _ in 0..<3 { _ = try await seeded.beginAttempt(updateID: 1) }

        try await harness.running {
            harness.platform.send(chat: 7, text: "after", updateID: 2)
            _ = try await harness.platform.waitForPerformed(1)
        }
        #expect(harness.platform.performed.map(\.text) == ["7:after"])
        let store = try await harness.openStore()
        let row = try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT status, error FROM inbox WHERE update_id = 1")
                .map { (status: $0["status"] as String, error: $0["error"] as String?) }
        }
        #expect(row?.status == "failed")
        #expect(row?.error?.contains("given up after 3 attempts") == true)
        let ledger = try await store.read { db in try String.fetchAll(db, sql: "SELECT text FROM ledger") }
        #expect(ledger == ["after"])
    }

    @Test("each handling is counted durably before it begins")
    func attemptsAreCounted() async throws {
        let harness = TenantHarness()
        try await harness.running {
            harness.platform.send(chat: 3, text: "hello")
            _ = try await harness.platform.waitForPerformed(1)
        }
        let attempts = try await harness.openStore().read { db in
            try Int.fetchOne(db, sql: "SELECT attempts FROM inbox WHERE update_id = 1")
        }
        #expect(attempts == 1)
    }

    @Test("an update a stop interrupted keeps its attempts: a clean stop is not its fault")
    func interruptedAttemptIsReleased() async throws {
        let harness = TenantHarness()
        try await harness.running {
            harness.platform.send(chat: 7, text: "interrupted")
            harness.platform.send(chat: 8, text: "other")
            _ = try await harness.platform.waitForPerformed(1)
        }
        let row = try await harness.openStore().read { db in
            try Row.fetchOne(db, sql: "SELECT status, attempts FROM inbox WHERE update_id = 1")
                .map { (status: $0["status"] as String, attempts: $0["attempts"] as Int) }
        }
        #expect(row?.status == "pending")
        #expect(row?.attempts == 0)
    }

    @Test("a plugin that never answers is cancelled after the handling timeout; the update fails naming it")
    func handlingTimeout() async throws {
        let plugins: [any Plugin] = [
            StallingPlugin(configuration: .init(), bot: .test), LedgerPlugin(configuration: .init(), bot: .test),
        ]
        let deadlines = ManualClock()
        let harness = TenantHarness(plugins: plugins, handlingTimeout: .seconds(5), handlingClock: deadlines)
        try await harness.running {
            harness.platform.send(chat: 7, text: "stall")
            harness.platform.send(chat: 7, text: "after")
            // "stall" is being handled (its deadline sleeps); "after" waits behind it.
            await StallingPlugin.waitUntilEntered("stall")
            await deadlines.waitForSleeper()
            deadlines.advance(by: .seconds(5))
            _ = try await harness.platform.waitForPerformed(1)
        }
        #expect(harness.platform.performed.map(\.text) == ["7:after"])
        let store = try await harness.openStore()
        let row = try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT status, error FROM inbox WHERE update_id = 1")
                .map { (status: $0["status"] as String, error: $0["error"] as String?) }
        }
        #expect(row?.status == "failed")
        let error = row?.error ?? ""
        #expect(error.contains("plugin 'stalling' took longer than"), "\(error)")
        #expect(try await store.status().updatesFailed == 1)
    }

    @Test("a plugin that ignores cancellation does not hold its chat either: the update fails at the timeout")
    func timeoutWithoutCooperation() async throws {
        let plugins: [any Plugin] = [
            StallingPlugin(configuration: .init(), bot: .test), LedgerPlugin(configuration: .init(), bot: .test),
        ]
        let deadlines = ManualClock()
        let harness = TenantHarness(plugins: plugins, handlingTimeout: .seconds(5), handlingClock: deadlines)
        defer { StallingPlugin.release() }
        try await harness.running {
            harness.platform.send(chat: 7, text: "deaf")
            harness.platform.send(chat: 7, text: "after")
            await StallingPlugin.waitUntilEntered("deaf")
            await deadlines.waitForSleeper()
            deadlines.advance(by: .seconds(5))
            _ = try await harness.platform.waitForPerformed(1)
            StallingPlugin.release()
        }
        #expect(harness.platform.performed.map(\.text) == ["7:after"])
        let row = try await harness.openStore().read { db in
            try Row.fetchOne(db, sql: "SELECT status, error FROM inbox WHERE update_id = 1")
                .map { (status: $0["status"] as String, error: $0["error"] as String?) }
        }
        #expect(row?.status == "failed")
        #expect(row?.error?.contains("plugin 'stalling' took longer than 5 s") == true)
    }
}

/// Waits an hour (cancellably) on "stall", and on "deaf" until ``release()`` whatever
/// cancellation says; passes everything else on.
struct StallingPlugin: Plugin {
    static let name = "stalling"

    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    private static let deaf = Mutex<[CheckedContinuation<Void, Never>]>([])
    private static let entries = Mutex<(texts: Set<String>, waiters: [(String, CheckedContinuation<Void, Never>)])>(
        ([], []))

    /// Returns once a handler for `text` has begun.
    static func waitUntilEntered(_ text: String) async {
        await withCheckedContinuation { continuation in
            let now = entries.withLock { state -> Bool in
                if state.texts.contains(text) { return true }
                state.waiters.append((text, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    private static func enter(_ text: String) {
        let ready = entries.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.texts.insert(text)
            let ready = state.waiters.filter { $0.0 == text }.map(\.1)
            state.waiters.removeAll { $0.0 == text }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        if let text = update.message?.text { Self.enter(text) }
        switch update.message?.text {
        case "stall":
            try await Task.sleep(for: .seconds(3600))
        case "deaf":
            await withCheckedContinuation { continuation in Self.deaf.withLock { $0.append(continuation) } }
        default:
            return .passed
        }
        return .handled
    }

    /// Lets every "deaf" handler return.
    static func release() {
        for continuation in deaf.withLock({ held in defer { held.removeAll() }; return held }) { continuation.resume() }
    }
}
