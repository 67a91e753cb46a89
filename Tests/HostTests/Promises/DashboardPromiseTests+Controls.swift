import FakeBotAPI
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Tenant
import Testing
@testable import Host

/// The bot page's buttons: retrying dead letters and restarting.
extension DashboardPromiseTests {
    @Test("a dead letter's Retry sends that message and leaves the others dead; Retry all sends the rest")
    func retryDeadLetters() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let token = try #require(HTTPTestHost.bots["alpha"]?.1)
        let user = FakeUser(id: 31, firstName: "Dee")
        // The echo bot's first three replies are refused for good; the fourth goes, after them
        // in the chat's order, so by then the three are dead letters.
        host.fake.failNext(
            token: token, method: "sendMessage", times: 3,
            with: .error(code: 400, description: "Bad Request: can't parse entities"))
        for text in ["one", "two", "three", "four"] {
            host.fake.sendText(token: token, chatID: user.id, from: user, text: text)
        }
        let first = try await host.fake.waitForSentMessages(token: token, count: 1, timeout: .seconds(60))
        #expect(first.map(\.text) == ["four"])

        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let dead = try Self.deadLetters(on: try await browser.get("/bots/alpha"))
            #expect(dead.map(\.text) == ["three", "two", "one"])
            let two = try #require(dead.first { $0.text == "two" }?.id)

            let one = try await browser.post("/bots/alpha/dead-letters/retry", ["id": "\(two)"])
            #expect(one.status == .seeOther)
            #expect(one.headers[.location] == "/bots/alpha?done=retried&count=1")
            let sent = try await host.fake.waitForSentMessages(token: token, count: 2, timeout: .seconds(60))
            #expect(sent.map(\.text) == ["four", "two"], "the bot sent the retried message")
            let page = try await browser.get("/bots/alpha?done=retried&count=1")
            #expect(String(buffer: page.body).contains("Queued 1 dead letter(s) again."))
            #expect(try Self.deadLetters(on: page).map(\.text) == ["three", "one"], "the others stay dead")

            let all = try await browser.post("/bots/alpha/dead-letters/retry")
            #expect(all.headers[.location] == "/bots/alpha?done=retried&count=2")
            let after = try await host.fake.waitForSentMessages(token: token, count: 4, timeout: .seconds(60))
            #expect(after.map(\.text) == ["four", "two", "one", "three"], "Retry all sent the rest, in order, once")
            let empty = try await browser.get("/bots/alpha")
            #expect(try Self.deadLetters(on: empty).isEmpty)
            #expect(String(buffer: empty.body).contains("None: every message was delivered"))
        }
    }

    @Test("Restart stops the running bot, starts a new run, and the bot answers afterwards")
    func restart() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let token = try #require(HTTPTestHost.bots["alpha"]?.1)
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let before = try #require(host.supervisor.table["alpha"]?.tenant)
            let identified = host.fake.calls(token: token).count { $0.method == "getMe" }

            let answer = try await browser.post("/bots/alpha/restart")
            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == "/bots/alpha?done=restarted")
            #expect(await before.state == .stopped, "the old run stopped")
            let after = try #require(host.supervisor.table["alpha"]?.tenant)
            #expect(after !== before, "a new run started")
            await host.waitUntilRunning("alpha")
            let identifiedAgain = host.fake.calls(token: token).count { $0.method == "getMe" }
            #expect(identifiedAgain == identified + 1, "it identified itself again")
            #expect(String(buffer: try await browser.get("/bots/alpha?done=restarted").body).contains("Restarted."))

            let user = FakeUser(id: 32, firstName: "Rae")
            host.fake.sendText(token: token, chatID: user.id, from: user, text: "still there?")
            let sent = try await host.fake.waitForSentMessages(token: token, count: 1, timeout: .seconds(60))
            #expect(sent.map(\.text) == ["still there?"])
        }
    }

    /// The dead letters a bot's page lists, top to bottom: each row's message and the id its
    /// Retry button sends.
    static func deadLetters(on page: TestResponse) throws -> [(id: Int64, text: String)] {
        let html = String(buffer: page.body)
        return try html.components(separatedBy: "<tr>").dropFirst().compactMap { row in
            guard let id = row.firstMatch(of: #/<input type="hidden" name="id" value="(\d+)">/#)?.1 else { return nil }
            let text = try #require(
                row.firstMatch(of: #/<td>-?\d+</td><td>([^<]*)</td>/#)?.1, "a row without its message")
            return (id: try #require(Int64(id)), text: String(text))
        }
    }
}
