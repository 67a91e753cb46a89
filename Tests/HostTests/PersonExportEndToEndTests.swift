import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Storage
import Testing
@testable import Host

/// A person's data, out (issue #17, item 6), through the management API and the admin plugin,
/// against the shipped `han-demo` bot (admin, followups, dating, replies and companion): export,
/// then forget, then export; the second export is empty.
@Suite("End to end: exporting a person", .serialized, .timeLimit(.minutes(5)))
struct PersonExportEndToEndTests {
    static let root = SandboxWalkthroughTests.root
    static let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]
    static let ann: Int64 = 42
    static let ben: Int64 = 43

    /// A sandbox person's write or press, waited on: the bot's messages of the answer.
    static func talk(
        _ client: any TestClientProtocol, _ path: String, _ body: String
    ) async throws -> [[String: Any]] {
        let answer = try await client.execute(
            uri: "/api/v1/bots/han-demo/sandbox/\(path)?wait=10", method: .post, headers: admin, body: ByteBuffer(string: body))
        #expect(answer.status == .accepted, "\(body): \(String(buffer: answer.body))")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any])
        #expect(json["answered"] as? Bool == true, "\(body)")
        return (json["messages"] as? [[String: Any]] ?? []).filter { $0["from"] as? String == "bot" }
    }

    static func say(_ client: any TestClientProtocol, _ user: Int64, _ text: String, photo: String? = nil)
        async throws -> [[String: Any]]
    {
        let photoField = photo.map { #","photo":"\#($0)""# } ?? ""
        return try await talk(client, "messages", #"{"user_id":\#(user),"text":"\#(text)"\#(photoField)}"#)
    }

    /// Presses the button whose data is `data` on the bot's message among `messages` that has it.
    static func press(_ client: any TestClientProtocol, _ user: Int64, _ data: String, among messages: [[String: Any]])
        async throws -> [[String: Any]]
    {
        let message = try #require(messages.first { message in
            (message["buttons"] as? [[[String: Any]]] ?? []).joined().contains { $0["data"] as? String == data }
        }, "no button \(data) in \(messages)")
        let id = try #require(message["id"] as? Int64)
        return try await talk(client, "presses", #"{"user_id":\#(user),"message_id":\#(id),"data":"\#(data)"}"#)
    }

    /// The dating wizard, answer by answer, ending with a photo.
    static func fillProfile(_ client: any TestClientProtocol, _ user: Int64, name: String, gender: String, seeking: String)
        async throws
    {
        _ = try await say(client, user, "/start")
        _ = try await say(client, user, name)
        let genderAsked = try await say(client, user, "29")
        let seekingAsked = try await press(client, user, "dt:g:\(gender)", among: genderAsked)
        _ = try await press(client, user, "dt:s:\(seeking)", among: seekingAsked)
        _ = try await say(client, user, "Lisbon")
        _ = try await say(client, user, "Books and long walks.")
        let done = try await say(client, user, "at the lake", photo: "photo-of-\(user)")
        #expect(done.contains { ($0["text"] as? String)?.hasPrefix("Your profile is ready!") == true })
    }

    /// `GET …/people/{user}/export` as `headers`' caller.
    static func export(_ client: any TestClientProtocol, _ user: Int64, headers: HTTPFields = admin)
        async throws -> (status: HTTPResponse.Status, json: [String: Any])
    {
        let answer = try await client.execute(
            uri: "/api/v1/bots/han-demo/people/\(user)/export", method: .get, headers: headers)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: answer.body))) as? [String: Any] ?? [:]
        return (answer.status, json)
    }

    /// Each source's tables, `source.table` → rows.
    static func tables(_ json: [String: Any]) -> [String: [[String: Any]]] {
        var sources = ["host": json["host"]]
        for (name, data) in json["plugins"] as? [String: Any] ?? [:] { sources[name] = data }
        var tables: [String: [[String: Any]]] = [:]
        for (source, data) in sources {
            for (table, rows) in (data as? [String: Any])?["tables"] as? [String: [[String: Any]]] ?? [:] {
                tables["\(source).\(table)"] = rows
            }
        }
        return tables
    }

    @Test("export, then forget, then export: the second export is empty; both exports are in the audit log")
    func exportForgetExport() async throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("bots.d/han-demo.yaml"), encoding: .utf8)
        let host = try await HTTPTestHost.start(extraManifests: ["han-demo": manifest])
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            try await Self.fillProfile(client, Self.ann, name: "Ann", gender: "f", seeking: "m")
            try await Self.fillProfile(client, Self.ben, name: "Ben", gender: "m", seeking: "f")
            let benCard = try await Self.say(client, Self.ann, "/browse")
            _ = try await Self.press(client, Self.ann, "dt:l:\(Self.ben)", among: benCard)
            let annCard = try await Self.say(client, Self.ben, "/browse")
            let matched = try await Self.press(client, Self.ben, "dt:l:\(Self.ann)", among: annCard)
            #expect(matched.contains { ($0["text"] as? String)?.hasPrefix("It's a match!") == true })

            let first = try await Self.export(client, Self.ann)
            #expect(first.status == .ok)
            #expect(first.json["user_id"] as? Int64 == Self.ann && first.json["bot"] as? String == "han-demo")
            #expect(first.json["brand"] as? String == "han")
            let tables = Self.tables(first.json)
            #expect(tables["host.users"]?.count == 1 && tables["host.user_time_zones"] != nil)
            #expect(tables["host.chats"]?.count == 1 && tables["host.inbox"]?.isEmpty == false)
            #expect(tables["host.outbox"]?.isEmpty == false, "what the bot sent her")
            #expect(tables["dating.dating_profiles"]?.first?["photo"] as? String == "photo-of-42")
            #expect(tables["dating.dating_likes"]?.count == 2, "her like and his")
            #expect(tables["dating.dating_matches"]?.count == 1)
            #expect(tables["followups.followups_people"]?.count == 1)
            #expect(tables["host.scheduled_jobs"]?.count == 1, "her waiting follow-up")

            let chatExport = try await Self.say(client, 1, "/export \(Self.ben)")
            #expect((chatExport.first?["text"] as? String)?.hasPrefix("Stored about 43, rows by source: host ") == true)
            #expect((chatExport.last?["text"] as? String)?.contains("\"dating_profiles\"") == true)

            let forgotten = try await Self.say(client, 1, "/forget \(Self.ann)")
            #expect((forgotten.first?["text"] as? String)?.hasPrefix("Everything stored about 42 is erased") == true)

            let second = try await Self.export(client, Self.ann)
            #expect(second.status == .ok)
            let left = Self.tables(second.json).filter { !$0.value.isEmpty }
            #expect(left.isEmpty, "the second export is empty: \(left)")
            #expect(Self.tables(second.json).count == Self.tables(first.json).count, "every table is still listed")
            #expect(Self.tables(try await Self.export(client, Self.ben).json)["dating.dating_profiles"]?.count == 1,
                    "Ben keeps his profile")

            let brand = try await Self.export(
                client, Self.ben, headers: [.authorization: "Bearer \(HTTPTestHost.hanToken)"])
            #expect(brand.status == .ok, "the bot's own brand may export")
            let other = try await Self.export(
                client, Self.ben, headers: [.authorization: "Bearer \(HTTPTestHost.lumenToken)"])
            #expect(other.status == .notFound, "another brand learns nothing")
        }
        let records = try await Self.auditRecords(host, count: 5) { $0.action.hasPrefix("person.") }
        let lines = records.map { "\($0.actor) \($0.action) \($0.detail ?? "")" }
        #expect(lines.contains { $0.hasPrefix("admin person.exported user 42, ") })
        #expect(lines.contains { $0.hasPrefix("admin:1 person.exported user 43, asked in update ") })
        #expect(lines.contains { $0.hasPrefix("bot:han-demo person.forgotten user 42, asked in update ") })
        #expect(lines.contains { $0.hasPrefix("brand:han person.exported user 43, ") })
        #expect(records.allSatisfy { $0.bot == "han-demo" && $0.brand == "han" })
    }

    /// The audit log's entries that `matching` selects, once there are `count` of them: waits on
    /// the log's table changing, not on a clock (the bots record theirs after their commit).
    static func auditRecords(_ host: HTTPTestHost, count: Int, matching: @escaping @Sendable (AuditEntry) -> Bool)
        async throws -> [AuditEntry]
    {
        let audit = host.surface.audit
        for try await _ in ValueObservation.tracking({ db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") })
            .values(in: host.auditDatabase)
        {
            let entries = try await audit.records(AuditQuery(limit: 500)).map(\.entry).filter(matching)
            if entries.count >= count { return entries }
        }
        return []
    }
}
