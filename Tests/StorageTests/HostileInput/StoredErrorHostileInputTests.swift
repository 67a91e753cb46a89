import Foundation
import PropertyBased
import Testing
@testable import Storage
import GRDB

/// Errors the store keeps come from outside (the Bot API's description, a proxy's error page
/// quoting the request URL, a plugin's message): a bot token inside one is masked on the way in
/// and, for rows written before masking, on the way out.
@Suite("Stored errors as hostile input", .timeLimit(.minutes(5)))
struct StoredErrorHostileInputTests {
    /// Printable text around a token.
    static let surrounding = Gen.character(in: " "..."~").string(of: 0...60)

    private func temporaryStore() async throws -> BotStore {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("aviary-storage-\(UUID().uuidString)/bot.sqlite").path
        return try await BotStore.open(path: path, plugins: [])
    }

    @Test("no stored or served error keeps a token's secret, whatever text surrounds it")
    func tokensMaskedEverywhere() async throws {
        let store = try await temporaryStore()
        var updateID: Int64 = 0
        await propertyCheck(
            count: 200, input: Self.surrounding, Gen.number.string(of: 3...12), Gen.letterOrNumber.string(of: 30...50),
            Self.surrounding
        ) { before, botID, secret, after in
            updateID += 1
            let text = "\(before)https://api.telegram.org/bot\(botID):\(secret)/sendMessage\(after)"
            _ = try await store.ingest(
                [InboxRecord(updateID: updateID, lane: 1, kind: "message", payload: Data(), receivedAt: Date())],
                nextOffset: nil)
            try await store.fail(updateID: updateID, at: Date(), error: text)
            let row = try await store.write { db -> OutboxRecord in
                var row = OutboxRecord(chatID: 1, updateID: nil, payload: "{}", createdAt: Date())
                try row.insert(db)
                return row
            }
            try await store.recordAttempt(outboxID: row.id!, error: text)
            try await store.markDead(outboxID: row.id!, at: Date(), error: text)

            let stored = try await store.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT error FROM inbox WHERE error IS NOT NULL
                        UNION ALL SELECT last_error FROM outbox WHERE last_error IS NOT NULL
                        """)
            }
            let served = try await store.deadLetters(limit: 1).compactMap(\.lastError) + [try await store.status().lastError ?? ""]
            for text in stored + served {
                #expect(!text.contains(secret), "a token's secret survived in: \(text)")
            }
            #expect(served.allSatisfy { $0.contains(":***") })
        }
    }

    @Test("an error written before masking is masked when it is served")
    func oldRowsMaskedOnTheWayOut() async throws {
        let store = try await temporaryStore()
        let secret = String(repeating: "Q", count: 35)
        try await store.write { db in
            var row = OutboxRecord(chatID: 1, updateID: nil, payload: "{}", createdAt: Date())
            try row.insert(db)
            try db.execute(
                sql: "UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ?",
                arguments: ["HTTP 404 for /bot123456:\(secret)/sendMessage", row.id])
            try HostState.set(HostState.lastError, to: "proxy said /bot123456:\(secret)/getMe", in: db)
        }
        let dead = try await store.deadLetters()
        #expect(dead.count == 1)
        #expect(dead.first?.lastError == "HTTP 404 for /bot123456:***/sendMessage")
        #expect(try await store.status().lastError == "proxy said /bot123456:***/getMe")
    }
}
