import FakeBotAPI
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing
@testable import Host

/// The README: "admins list and retry them in the chat: `/deadletters`, `/retry 42`, `/retry all`",
/// and `POST …/dead-letters/retry` with `{"ids":[12,13]}`: only the dead letters named are sent again.
@Suite("Delivery promises: retrying chosen dead letters, by the admin command and the API", .timeLimit(.minutes(3)))
struct DeliveryAdminPromiseTests {
    /// Bot `desk`'s token at the fake.
    static let token = "6200:" + String(repeating: "r", count: 35)
    /// A 400 that dead-letters a message at once.
    static let refusal = FakeFailure.error(code: 400, description: "Bad Request: can't parse entities")

    /// Makes `one`, `two` and `three` from `person` dead letters (each refused with a 400), then
    /// waits for `four` to be answered: the chat's sends go in order, so all three are dead by then.
    static func makeThreeDeadLetters(
        _ fake: FakeBotAPI, token: String, person: FakeUser, sentBefore: Int = 0
    ) async throws {
        fake.failNext(token: token, method: "sendMessage", times: 3, with: refusal)
        for text in ["one", "two", "three", "four"] {
            fake.sendText(token: token, chatID: person.id, from: person, text: text)
        }
        let sent = try await fake.waitForSentMessages(token: token, count: sentBefore + 1, timeout: .seconds(60))
        try #require(sent.dropFirst(sentBefore).map(\.text) == ["four"])
    }

    /// The texts the bot sent to `chat`, in order.
    static func texts(_ fake: FakeBotAPI, token: String, chat: Int64) -> [String] {
        fake.sentMessages(token: token).filter { $0.chatID == chat }.map(\.text)
    }

    @Test("/retry <id> sends that dead letter only; /retry <id> <id> sends those two")
    func adminRetriesChosen() async throws {
        let host = try await PromiseHost.start { fake, sandbox in
            fake.addBot(token: Self.token, userID: 6200, username: "desk_bot")
            try sandbox.writeManifest("desk", PromiseHost.manifest(
                id: "desk", token: Self.token, apiURL: fake.baseURL, plugins: ["admin", "echo"],
                extra: ["admins: [1]"]))
        }
        await host.waitUntilRunning("desk")
        let (fake, person, admin) = (host.fake, FakeUser(id: 21, firstName: "Pia"), FakeUser(id: 1, firstName: "Op"))
        try await Self.makeThreeDeadLetters(fake, token: Self.token, person: person)
        let dead = try await host.database("desk").read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE chat_id = 21 AND status = 'dead' ORDER BY id")
        }
        try #require(dead.count == 3, "one, two and three are dead letters: \(dead)")

        fake.sendText(token: Self.token, chatID: admin.id, from: admin, text: "/retry \(dead[1])")
        _ = try await fake.waitForSentMessages(token: Self.token, count: 3, timeout: .seconds(60))
        #expect(Self.texts(fake, token: Self.token, chat: admin.id) == ["Queued again: #\(dead[1])."])
        // The chat's sends go in order: had "one" been queued again too, it would have gone first.
        #expect(Self.texts(fake, token: Self.token, chat: person.id) == ["four", "two"])
        let stillDead = try await host.database("desk").read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE status = 'dead' ORDER BY id")
        }
        #expect(stillDead == [dead[0], dead[2]])

        fake.sendText(token: Self.token, chatID: admin.id, from: admin, text: "/retry \(dead[0]) \(dead[2])")
        _ = try await fake.waitForSentMessages(token: Self.token, count: 6, timeout: .seconds(60))
        #expect(Self.texts(fake, token: Self.token, chat: person.id) == ["four", "two", "one", "three"])
        #expect(Self.texts(fake, token: Self.token, chat: admin.id).last == "Queued again: #\(dead[0]), #\(dead[2]).")
        await host.stop()
    }

    @Test("POST …/dead-letters/retry with ids sends those dead letters only, and answers how many")
    func apiRetriesChosen() async throws {
        let host = try await HTTPTestHost.start()
        let token = HTTPTestHost.bots["alpha"]!.1
        let person = FakeUser(id: 31, firstName: "Rui")
        try await Self.makeThreeDeadLetters(host.fake, token: token, person: person)
        let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]
        try await host.withClient { client in
            func deadLetters() async throws -> [String: Int64] {
                let response = try await client.execute(
                    uri: "/api/v1/bots/alpha/dead-letters", method: .get, headers: admin)
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let rows = json?["dead_letters"] as? [[String: Any]] ?? []
                return Dictionary(uniqueKeysWithValues: rows.compactMap { row in
                    (row["text"] as? String).flatMap { text in (row["id"] as? NSNumber).map { (text, $0.int64Value) } }
                })
            }
            func retry(_ ids: [Int64]) async throws -> String {
                let body = ByteBuffer(string: #"{"ids":\#(ids)}"#)
                let response = try await client.execute(
                    uri: "/api/v1/bots/alpha/dead-letters/retry", method: .post, headers: admin, body: body)
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            let dead = try await deadLetters()
            try #require(Set(dead.keys) == ["one", "two", "three"], "\(dead)")

            #expect(try await retry([dead["two"]!]).contains(#""requeued":1"#))
            _ = try await host.fake.waitForSentMessages(token: token, count: 2, timeout: .seconds(60))
            #expect(Self.texts(host.fake, token: token, chat: person.id) == ["four", "two"])
            #expect(Set(try await deadLetters().keys) == ["one", "three"])

            #expect(try await retry([dead["one"]!, dead["three"]!]).contains(#""requeued":2"#))
            _ = try await host.fake.waitForSentMessages(token: token, count: 4, timeout: .seconds(60))
            #expect(Self.texts(host.fake, token: token, chat: person.id) == ["four", "two", "one", "three"])
            #expect(try await deadLetters().isEmpty)
        }
        await host.stop()
    }
}
