import Foundation
import Testing
@testable import Storage
import GRDB

/// The host's half of a person's export: what a forget erases, nothing more, in key order, and
/// nothing once they are forgotten.
@Suite("BotStore: exporting a person", .timeLimit(.minutes(5)))
struct ExportHostRowsTests {
    static let person = ForgetHostRowsTests.person

    @Test("shows the person's user, time zone, private chat, jobs, outbox and their chat's stored updates")
    func showsThePerson() async throws {
        let store = try await ForgetHostRowsTests.populated()
        let data = try await store.read { db in try BotStore.exportHostRows(ofUser: Self.person, in: db) }
        #expect(data.tables.keys.sorted() == ["chats", "inbox", "outbox", "scheduled_jobs", "user_time_zones", "users"])
        #expect(data.tables["users"]?.map { $0["first_name"] } == [.text("P41")])
        #expect(data.tables["user_time_zones"]?.map { $0["time_zone"] } == [.text("Europe/Lisbon")])
        #expect(data.tables["chats"]?.map { $0["blocked"] } == [.integer(0)], "the blocked state is shown")
        #expect(data.tables["scheduled_jobs"]?.count == 1)
        #expect(data.tables["outbox"]?.map { $0["status"] } == [.text("pending"), .text("sent"), .text("dead"), .text("pending")],
                "every message to their chat (the broadcast's, the dead letter), in id order")
        #expect(data.tables["inbox"]?.map { $0["payload"] } == [.text("update 1"), .text("update 2"), .text("update 3")],
                "their chat's updates with payloads, as text, in order")
        #expect(data.truncated.isEmpty)
        #expect(!data.isEmpty && data.rowCount == 11)
    }

    @Test("after a forget, the export is empty but still lists every table")
    func emptyAfterForget() async throws {
        let store = try await ForgetHostRowsTests.populated()
        try await store.write { db in
            try BotStore.forgetHostRows(ofUser: Self.person, currentUpdate: nil, in: db)
        }
        let after = try await store.write { db in
            // The updates that came after the request stay pending until handled; once they are,
            // a forget leaves nothing.
            try db.execute(sql: "UPDATE inbox SET status = 'done' WHERE lane = ?", arguments: [Self.person])
            try BotStore.forgetHostRows(ofUser: Self.person, currentUpdate: nil, in: db)
            return try BotStore.exportHostRows(ofUser: Self.person, in: db)
        }
        #expect(after.isEmpty, "\(after.tables)")
        #expect(after.tables.count == 6)
        let other = try await store.read { db in try BotStore.exportHostRows(ofUser: ForgetHostRowsTests.other, in: db) }
        #expect(other.rowCount == 7, "the other person's rows are untouched")
    }

    @Test("a group with the person's id is not their chat; a stranger's export is empty")
    func onlyTheirOwn() async throws {
        let store = try BotStore(inMemoryWith: [])
        let data = try await store.write { db in
            try ChatRecord(id: Self.person, kind: "group", title: "Same id", username: nil, blocked: false,
                           firstSeen: ForgetHostRowsTests.date, lastSeen: ForgetHostRowsTests.date).insert(db)
            return try BotStore.exportHostRows(ofUser: Self.person, in: db)
        }
        #expect(data.isEmpty)
    }

    @Test("a source stops at 10,000 rows and 4 MiB and names the tables it cut short")
    func bounded() async throws {
        let store = try BotStore(inMemoryWith: [])
        let data = try await store.write { db in
            for id in 1...(PersonData.rowLimit + 5) {
                var row = OutboxRecord(chatID: Self.person, updateID: nil, payload: "m\(id)", createdAt: ForgetHostRowsTests.date)
                try row.insert(db)
            }
            let big = Data(repeating: 0x61, count: 1 << 20)
            for id in 1...5 {
                try InboxRecord(updateID: Int64(id), lane: Self.person, kind: "message", payload: big,
                                receivedAt: ForgetHostRowsTests.date).insert(db)
            }
            let byRows = try BotStore.exportHostRows(ofUser: Self.person, in: db)
            var bySize = PersonData()
            try bySize.append("inbox", sql: "SELECT payload FROM inbox ORDER BY update_id", in: db)
            return (byRows, bySize)
        }
        #expect(data.0.tables["outbox"]?.count == PersonData.rowLimit)
        #expect(data.0.tables["inbox"]?.isEmpty == true, "no rows left for the next table")
        #expect(data.0.truncated == ["inbox", "outbox"])
        #expect(data.1.tables["inbox"]?.count == 4, "four 1 MiB payloads fill 4 MiB, the fifth does not fit")
        #expect(data.1.truncated == ["inbox"])
    }

    @Test("values keep their SQLite type; a blob that is not UTF-8 is base64; JSON is deterministic")
    func values() async throws {
        let store = try BotStore(inMemoryWith: [])
        let data = try await store.read { db in
            var data = PersonData()
            try data.append("t", sql: "SELECT 1 AS i, 1.5 AS r, 'x' AS s, NULL AS n, x'ff00' AS b, x'6869' AS u", in: db)
            return data
        }
        let row = try #require(data.tables["t"]?.first)
        #expect(row == ["i": .integer(1), "r": .real(1.5), "s": .text("x"), "n": .null, "b": .blob(Data([0xff, 0])),
                        "u": .text("hi")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(data), as: UTF8.self)
        #expect(json == #"{"tables":{"t":[{"b":{"base64":"\/wA="},"i":1,"n":null,"r":1.5,"s":"x","u":"hi"}]},"truncated":[]}"#)
    }
}
