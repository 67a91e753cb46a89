import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import Testing
@testable import Tenant
import Storage
import GRDB

/// The receiver, dispatcher and sender are services: run by a `ServiceGroup`, a graceful
/// shutdown ends each one the way the bot's own stop does.
@Suite("Runtime services under a ServiceGroup", .timeLimit(.minutes(2)))
struct ServiceShutdownTests {
    @Test("a graceful shutdown of the sender sends what it holds and makes every sent mark durable")
    func senderFlushesOnGracefulShutdown() async throws {
        let path = TenantHarness.temporaryDatabase()
        let store = try await BotStore.open(path: path, plugins: [])
        let rows = try await store.write { db in
            try (1...3).map { index in
                var row = OutboxRecord(
                    chatID: Int64(index), updateID: nil,
                    payload: try OutboxCoding.encode(.send(OutgoingMessage(chatID: Int64(index), text: "m\(index)"))),
                    createdAt: Date())
                try row.insert(db)
                return row
            }
        }
        let platform = ScriptedPlatform()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let outbox = LaneScheduler<OutboxEntry>(isUrgent: \.isUrgent)
        let sender = Sender(
            outbox: outbox, platform: platform, store: store, commits: GroupCommit(store: store), limits: .unlimited,
            backoff: Backoff(), flushTimeout: .seconds(30), metrics: TenantMetrics(botID: "test", factory: MetricsSystem.factory), logger: logger,
            clock: SystemClock(), now: { Date() })
        await sender.start(blockedChats: [2])
        let group = ServiceGroup(services: [sender], logger: logger)
        async let running: Void = group.run()
        await outbox.submit(OutboxEntry.messages(rows), lane: \.chatID)
        await outbox.submit([.reachability(chatID: 2, blocked: false)] + OutboxEntry.messages([rows[1]]), lane: \.chatID)
        await group.triggerGracefulShutdown()
        try await running

        // The flush sent chats 1 and 3; chat 2's first row was dead-lettered (it had blocked the
        // bot), its retry after the chat was reachable again went out.
        #expect(Set(platform.performed.map(\.chatID)) == [1, 2, 3])
        #expect(try await store.startupState().pendingOutbox.isEmpty, "every sent mark was written at the shutdown")
        await store.close()
    }
}
