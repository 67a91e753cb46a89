import Foundation
import Testing
@testable import Storage
import GRDB

@Suite("BotStore: forgetting a person", .timeLimit(.minutes(5)))
struct ForgetHostRowsTests {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)
    static let person: Int64 = 41
    static let other: Int64 = 42
    static let group: Int64 = -100

    /// Two people with a private chat each, a group, a time zone and a job each, outbox rows of
    /// every state (one broadcast to both) and inbox rows handled, current and still waiting.
    static func populated() async throws -> BotStore {
        let store = try BotStore(inMemoryWith: [])
        try await store.write { db in
            for id in [person, other] {
                try UserRecord(id: id, isBot: false, firstName: "P\(id)", lastName: nil, username: "p\(id)",
                               languageCode: "en", firstSeen: date, lastSeen: date).insert(db)
                try ChatRecord(id: id, kind: "private", title: nil, username: "p\(id)", blocked: false,
                               firstSeen: date, lastSeen: date).insert(db)
                try db.execute(sql: "INSERT INTO user_time_zones (user_id, time_zone) VALUES (?, 'Europe/Lisbon')",
                               arguments: [id])
                try BotStore.schedule(plugin: "followups", chatID: id, key: "followup", at: date, payload: "",
                                      in: db)
            }
            try ChatRecord(id: group, kind: "group", title: "Group", username: nil, blocked: false,
                           firstSeen: date, lastSeen: date).insert(db)
            _ = try BotStore.enqueueBroadcast(
                text: "News", filter: BroadcastFilter(), at: date, in: db, payloads: { _ in ["news"] })
            for status in ["sent", "dead", "pending"] {
                var row = OutboxRecord(chatID: person, updateID: 1, payload: "to person", createdAt: date)
                try row.insert(db)
                try db.execute(sql: "UPDATE outbox SET status = ? WHERE id = ?", arguments: [status, row.id])
            }
            var toOther = OutboxRecord(chatID: other, updateID: 4, payload: "to other", createdAt: date)
            try toOther.insert(db)
            // Update 1 was handled, 2 is the one asking to be forgotten, 3 came after it; 4 and 5
            // are someone else's and the group's.
            for (id, lane, status) in [(1, person, "done"), (2, person, "pending"), (3, person, "pending"),
                                       (4, other, "done"), (5, group, "failed")] as [(Int64, Int64, String)] {
                try InboxRecord(updateID: id, lane: lane, kind: "message", payload: Data("update \(id)".utf8),
                                receivedAt: date).insert(db)
                try db.execute(sql: "UPDATE inbox SET status = ? WHERE update_id = ?", arguments: [status, id])
            }
        }
        return store
    }

    @Test("erases the person's user, time zone, private chat, jobs and outbox, and blanks their chat's updates")
    func erasesThePerson() async throws {
        let store = try await Self.populated()
        try await store.write { db in
            try BotStore.forgetHostRows(ofUser: Self.person, currentUpdate: 2, in: db)
        }
        try await store.read { db in
            for (table, column) in [("users", "id"), ("user_time_zones", "user_id"), ("chats", "id"),
                                    ("scheduled_jobs", "chat_id"), ("outbox", "chat_id")] {
                let left = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(column) = ?", arguments: [Self.person])
                #expect(left == 0, "\(table) forgot the person")
                let kept = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(column) = ?", arguments: [Self.other])
                #expect(kept == 1 + (table == "outbox" ? 1 : 0), "\(table) keeps the other person")
            }
            let payloads = try Data.fetchAll(db, sql: "SELECT payload FROM inbox ORDER BY update_id")
                .map { String(decoding: $0, as: UTF8.self) }
            #expect(payloads == ["", "", "update 3", "update 4", "update 5"],
                    "handled and current updates blanked; a later one, others' and the group's kept")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") == 5, "ids stay, so redelivery is ignored")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chats WHERE id = ?", arguments: [Self.group]) == 1)
        }
        let progress = try #require(try await store.broadcastProgress())
        #expect(progress.total == 1, "the broadcast counts only the message still on record")
        #expect(progress.pending == 1)
    }

    @Test("the update asking to forget is blanked wherever it came from, say an admin's chat")
    func blanksTheRequestElsewhere() async throws {
        let store = try await Self.populated()
        try await store.write { db in
            try BotStore.forgetHostRows(ofUser: Self.person, currentUpdate: 4, in: db)
        }
        let payloads = try await store.read { db in
            try Data.fetchAll(db, sql: "SELECT payload FROM inbox ORDER BY update_id").map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(payloads == ["", "update 2", "update 3", "", "update 5"])
    }

    @Test("a group with the person's id is not their private chat and stays")
    func keepsNonPrivateChats() async throws {
        let store = try BotStore(inMemoryWith: [])
        try await store.write { db in
            try ChatRecord(id: Self.person, kind: "group", title: "Same id", username: nil, blocked: false,
                           firstSeen: Self.date, lastSeen: Self.date).insert(db)
            try BotStore.forgetHostRows(ofUser: Self.person, currentUpdate: nil, in: db)
        }
        let chats = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chats") }
        #expect(chats == 1)
    }

    @Test("forgetting someone the bot never saw changes nothing")
    func unknownPerson() async throws {
        let store = try await Self.populated()
        let before = try await Self.counts(store)
        try await store.write { db in
            try BotStore.forgetHostRows(ofUser: 7, currentUpdate: nil, in: db)
        }
        #expect(try await Self.counts(store) == before)
    }

    static func counts(_ store: BotStore) async throws -> [Int] {
        try await store.read { db in
            try ["users", "user_time_zones", "chats", "scheduled_jobs", "outbox", "inbox WHERE length(payload) > 0"]
                .map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0 }
        }
    }
}
