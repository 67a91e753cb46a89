import Foundation
import GRDB
import PropertyBased
import Storage
import Testing

/// The bots' webhook registrations, kept in the host database so that starting a webhook bot
/// creates no file of its own.
@Suite("Webhook registrations", .timeLimit(.minutes(2)))
struct WebhookRegistrationsTests {
    @Test("a registration is durable when record returns, survives reopening, and a deletion removes it")
    func recordReopenDelete() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let registrations = try await WebhookRegistrations.load(from: try HostDatabase.open(dataDirectory: folder))
        #expect(registrations.url(for: "han-ru") == nil)
        try await registrations.record("https://bots.example.org/webhook/han-ru", for: "han-ru")
        try await registrations.record("https://bots.example.org/webhook/lumen", for: "lumen")
        try await registrations.record(nil, for: "lumen")
        #expect(registrations.url(for: "han-ru") == "https://bots.example.org/webhook/han-ru")

        let reopened = try await WebhookRegistrations.load(from: try HostDatabase.open(dataDirectory: folder))
        #expect(reopened.url(for: "han-ru") == "https://bots.example.org/webhook/han-ru")
        #expect(reopened.url(for: "lumen") == nil)
    }

    @Test("bots recording at once: each bot ends with its last change, in memory and on disk, whatever the interleaving")
    func concurrentRecords() async throws {
        // Per bot, a sequence of changes: an index into the addresses, or the deletion (index 3).
        let addresses = ["https://a.example/webhook/x", "https://b.example/webhook/y", "http://127.0.0.1:9/webhook/z"]
        let histories = Gen.int(in: 0...3).array(of: 1...6).array(of: 1...40)
        await propertyCheck(count: 25, input: histories) { histories in
            do {
                let queue = try DatabaseQueue()
                let registrations = try await WebhookRegistrations.load(from: try HostDatabase(writer: queue))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (bot, history) in histories.enumerated() {
                        group.addTask {
                            for change in history {
                                try await registrations.record(change < 3 ? addresses[change] : nil, for: "bot-\(bot)")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let onDisk = try await WebhookRegistrations.load(from: try HostDatabase(writer: queue))
                for (bot, history) in histories.enumerated() {
                    let expected = history.last.flatMap { $0 < 3 ? addresses[$0] : nil }
                    #expect(registrations.url(for: "bot-\(bot)") == expected)
                    #expect(onDisk.url(for: "bot-\(bot)") == expected)
                }
            } catch {
                Issue.record("recording failed: \(error)")
            }
        }
    }

    @Test("a change that cannot be written throws and leaves the registration as it was")
    func failedWriteChangesNothing() async throws {
        let queue = try DatabaseQueue()
        let registrations = try await WebhookRegistrations.load(from: try HostDatabase(writer: queue))
        try await registrations.record("https://a.example/webhook/x", for: "x")
        try await queue.write { db in
            try db.execute(
                sql: "CREATE TRIGGER refuse BEFORE INSERT ON webhook_registrations BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        }
        await #expect(throws: DatabaseError.self) {
            try await registrations.record("https://b.example/webhook/x", for: "x")
        }
        #expect(registrations.url(for: "x") == "https://a.example/webhook/x")
    }
}
