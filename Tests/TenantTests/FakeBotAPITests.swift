import AsyncHTTPClient
import FakeBotAPI
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization
import Testing

/// The fake Bot API at the wire level: raw HTTP in, Telegram's JSON envelopes and status codes out.
@Suite("FakeBotAPI", .timeLimit(.minutes(5)))
struct FakeBotAPITests {
    static let token = "5151:" + String(repeating: "f", count: 35)
    static let alice = FakeUser(id: 501, firstName: "Alice", username: "alice", languageCode: "en")

    /// One answer from the fake: the HTTP status and the body as received.
    struct Answer: Sendable {
        var status: Int
        var data: Data

        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }
        /// `ok` of the envelope.
        var ok: Bool { json["ok"] as? Bool == true }
        /// `error_code` of an error envelope.
        var errorCode: Int? { json["error_code"] as? Int }
        /// `description` of the envelope.
        var description: String? { json["description"] as? String }
        /// `parameters` of an error envelope.
        var parameters: [String: Any]? { json["parameters"] as? [String: Any] }
        /// `result` when it is an object.
        var object: [String: Any] { json["result"] as? [String: Any] ?? [:] }
        /// `result` when it is a list of updates.
        var updates: [[String: Any]] { json["result"] as? [[String: Any]] ?? [] }
        /// The `update_id`s of a `getUpdates` result.
        var updateIDs: [Int64] { updates.compactMap { ($0["update_id"] as? NSNumber)?.int64Value } }
    }

    /// Runs `body` against a started fake with one bot, and stops the fake afterwards.
    func withFake(_ body: (FakeBotAPI) async throws -> Void) async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 5151, username: "fake_test_bot", firstName: "Fake Test")
        do {
            try await body(fake)
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    /// Calls `method` with a JSON body, a form body, a query string, or nothing (a GET).
    func call(
        _ fake: FakeBotAPI, _ method: String, token: String = token, json: [String: Any]? = nil,
        form: String? = nil, query: String? = nil
    ) async throws -> Answer {
        var url = fake.baseURL.absoluteString + "/bot\(token)/\(method)"
        if let query { url += "?" + query }
        var request = HTTPClientRequest(url: url)
        if let json {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        } else if let form {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        // A hang guard only: every call here answers within a second unless the fake is broken.
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), data: Data(buffer: body))
    }

    /// Waits until the fake has recorded `count` calls of `method`. The fake has no call event to
    /// await, so this checks at a short interval; the bound is a hang guard, not a timing assertion.
    func receivedCalls(_ method: String, count: Int, on fake: FakeBotAPI) async {
        await fake.waitForCalls(token: Self.token, method: method, count: count)
    }

    @Test("an unknown token gets Telegram's 401 envelope; an unknown method gets 404")
    func unauthorized() async throws {
        try await withFake { fake in
            let answer = try await call(fake, "getMe", token: "1:" + String(repeating: "x", count: 35))
            #expect(answer.status == 401)
            #expect(answer.json["ok"] as? Bool == false)
            #expect(answer.errorCode == 401)
            #expect(answer.description == "Unauthorized")

            let unknown = try await call(fake, "sendTelepathy")
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == 404)
            #expect(unknown.description?.hasPrefix("Not Found") == true)
        }
    }

    @Test("getMe returns the bot's User object")
    func getMe() async throws {
        try await withFake { fake in
            let answer = try await call(fake, "getMe")
            #expect(answer.status == 200)
            #expect(answer.ok)
            #expect(answer.object["id"] as? Int == 5151)
            #expect(answer.object["is_bot"] as? Bool == true)
            #expect(answer.object["first_name"] as? String == "Fake Test")
            #expect(answer.object["username"] as? String == "fake_test_bot")
            #expect(answer.object["can_join_groups"] as? Bool == true)
        }
    }

    @Test("a queued text reaches getUpdates with its update_id and a command entity; the offset confirms it")
    func updatesAndOffset() async throws {
        try await withFake { fake in
            let id = fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "/start now")
            let first = try await call(fake, "getUpdates", json: ["timeout": 0])
            #expect(first.status == 200)
            #expect(first.updateIDs == [id])
            let message = try #require(first.updates.first?["message"] as? [String: Any])
            #expect(message["text"] as? String == "/start now")
            #expect((message["chat"] as? [String: Any])?["id"] as? Int == 501)
            #expect((message["chat"] as? [String: Any])?["type"] as? String == "private")
            #expect((message["from"] as? [String: Any])?["username"] as? String == "alice")
            let entity = try #require((message["entities"] as? [[String: Any]])?.first)
            #expect(entity["type"] as? String == "bot_command")
            #expect(entity["offset"] as? Int == 0)
            #expect(entity["length"] as? Int == 6)

            let again = try await call(fake, "getUpdates", query: "offset=\(id)&timeout=0")
            #expect(again.updateIDs == [id], "an offset equal to the id does not confirm it")
            let confirmed = try await call(fake, "getUpdates", form: "offset=\(id + 1)&timeout=0")
            #expect(confirmed.status == 200)
            #expect(confirmed.updates.isEmpty)
            let later = try await call(fake, "getUpdates", json: ["timeout": 0])
            #expect(later.updates.isEmpty, "a confirmed update is gone for good")

            let next = fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "more")
            #expect(next == id + 1, "update ids keep increasing")
        }
    }

    @Test("a long poll answers as soon as an update arrives, not at its timeout")
    func longPoll() async throws {
        try await withFake { fake in
            let poll = Task { try await call(fake, "getUpdates", json: ["timeout": 30]) }
            await fake.waitForWaitingPoll(token: Self.token)
            let id = fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "wake up")
            let answer = try await poll.value
            #expect(answer.updateIDs == [id])
            #expect(fake.longPollWakes(token: Self.token) == [.updates], "woken by the update, not by the timeout")
        }
    }

    @Test("a second getUpdates makes the waiting one answer 409 Conflict")
    func conflict() async throws {
        try await withFake { fake in
            let first = Task { try await call(fake, "getUpdates", json: ["timeout": 30]) }
            await receivedCalls("getUpdates", count: 1, on: fake)
            let second = try await call(fake, "getUpdates", json: ["timeout": 0])
            #expect(second.status == 200)
            let terminated = try await first.value
            #expect(terminated.status == 409)
            #expect(terminated.errorCode == 409)
            #expect(
                terminated.description
                    == "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
            )
        }
    }

    @Test("while a webhook is set getUpdates is 409; deleteWebhook with drop_pending_updates clears the queue")
    func webhook() async throws {
        try await withFake { fake in
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "queued")
            let set = try await call(fake, "setWebhook", json: ["url": "https://bots.example.org/webhook/han"])
            #expect(set.ok)
            #expect(fake.webhookURL(token: Self.token) == "https://bots.example.org/webhook/han")
            let info = try await call(fake, "getWebhookInfo")
            #expect(info.object["url"] as? String == "https://bots.example.org/webhook/han")

            let blocked = try await call(fake, "getUpdates", json: ["timeout": 0])
            #expect(blocked.status == 409)
            #expect(
                blocked.description
                    == "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )

            let deleted = try await call(fake, "deleteWebhook", json: ["drop_pending_updates": true])
            #expect(deleted.ok)
            #expect(fake.webhookURL(token: Self.token) == nil)
            let polled = try await call(fake, "getUpdates", json: ["timeout": 0])
            #expect(polled.status == 200)
            #expect(polled.updates.isEmpty, "drop_pending_updates dropped the queued update")
        }
    }

    @Test("allowed_updates is sticky, and chat_member is left out by default")
    func allowedUpdates() async throws {
        try await withFake { fake in
            fake.enqueueUpdate(
                token: Self.token, type: "chat_member",
                payload: ["chat": ["id": Int64(-100_7), "type": "supergroup", "title": "G"] as [String: any Sendable]])
            let message = fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hi")
            let byDefault = try await call(fake, "getUpdates", json: ["timeout": 0])
            #expect(byDefault.updateIDs == [message])

            let only = try await call(
                fake, "getUpdates", json: ["offset": message + 1, "timeout": 0, "allowed_updates": ["callback_query"]])
            #expect(only.updates.isEmpty)
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "filtered out")
            let press = fake.pressButton(token: Self.token, chatID: Self.alice.id, from: Self.alice, messageID: 1, data: "like:7")
            let sticky = try await call(fake, "getUpdates", json: ["timeout": 0])
            #expect(sticky.updateIDs == [press], "the omitted allowed_updates kept the previous setting")
            let query = try #require(sticky.updates.first?["callback_query"] as? [String: Any])
            #expect(query["data"] as? String == "like:7")
            #expect((query["from"] as? [String: Any])?["id"] as? Int == 501)
            #expect((query["message"] as? [String: Any])?["message_id"] as? Int == 1)
        }
    }

    @Test("failNext answers 429 with retry_after in parameters and HTTP status 429, then the method works again")
    func injectedRateLimit() async throws {
        try await withFake { fake in
            fake.markChatKnown(token: Self.token, chatID: Self.alice.id)
            fake.failNext(token: Self.token, method: "sendMessage", with: .tooManyRequests(retryAfter: 3))
            let limited = try await call(fake, "sendMessage", json: ["chat_id": Self.alice.id, "text": "hi"])
            #expect(limited.status == 429)
            #expect(limited.errorCode == 429)
            #expect(limited.description == "Too Many Requests: retry after 3")
            #expect(limited.parameters?["retry_after"] as? Int == 3)
            #expect(fake.sentMessages(token: Self.token).isEmpty)

            let retried = try await call(fake, "sendMessage", json: ["chat_id": Self.alice.id, "text": "hi"])
            #expect(retried.status == 200)
            #expect(fake.sentMessages(token: Self.token).map(\.text) == ["hi"])
            #expect(fake.calls(token: Self.token).map(\.method) == ["sendMessage", "sendMessage"])
        }
    }

    @Test("sendMessage checks the chat and the text like Telegram and numbers messages per chat")
    func sendMessageValidation() async throws {
        try await withFake { fake in
            let unknown = try await call(fake, "sendMessage", json: ["chat_id": 999, "text": "hi"])
            #expect(unknown.status == 400)
            #expect(unknown.errorCode == 400)
            #expect(unknown.description == "Bad Request: chat not found")

            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hello")
            let empty = try await call(fake, "sendMessage", json: ["chat_id": Self.alice.id, "text": ""])
            #expect(empty.status == 400)
            #expect(empty.description == "Bad Request: message text is empty")
            let tooLong = try await call(
                fake, "sendMessage", json: ["chat_id": Self.alice.id, "text": String(repeating: "я", count: 4097)])
            #expect(tooLong.status == 400)
            #expect(tooLong.description == "Bad Request: message is too long")

            let longest = try await call(
                fake, "sendMessage", json: ["chat_id": Self.alice.id, "text": String(repeating: "я", count: 4096)])
            #expect(longest.status == 200)
            let next = try await call(
                fake, "sendMessage",
                form: "chat_id=\(Self.alice.id)&text=second%20one&reply_markup="
                    + #"{"inline_keyboard":[[{"text":"Yes","callback_data":"y"}]]}"#
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(next.status == 200)
            let firstID = try #require(longest.object["message_id"] as? Int)
            #expect(next.object["message_id"] as? Int == firstID + 1)
            #expect((next.object["chat"] as? [String: Any])?["id"] as? Int == 501)
            #expect(next.object["text"] as? String == "second one")
            let sent = fake.sentMessages(token: Self.token)
            #expect(sent.map(\.chatID) == [501, 501])
            #expect(sent.last?.buttons.first?.first?.callbackData == "y")
        }
    }

    @Test("waitForSentMessages resolves when the bot has sent enough, and a timeout lists what arrived")
    func waitForSentMessages() async throws {
        try await withFake { fake in
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hello")
            let waiting = Task {
                try await fake.waitForSentMessages(token: Self.token, count: 2, timeout: .seconds(30))
            }
            for text in ["one", "two"] {
                let answer = try await call(fake, "sendMessage", json: ["chat_id": Self.alice.id, "text": text])
                #expect(answer.status == 200)
            }
            #expect(try await waiting.value.map(\.text) == ["one", "two"])

            let error = await #expect(throws: FakeTimeout.self) {
                try await fake.waitForSentMessages(token: Self.token, count: 3, timeout: .milliseconds(50))
            }
            #expect(error?.description.contains("got 2") == true)
        }
    }

    @Test("waitForSentMessages(tokens:total:) resolves when the bots' sends together reach the total")
    func waitForSentAcrossBots() async throws {
        try await withFake { fake in
            let other = "5152:" + String(repeating: "g", count: 35)
            fake.addBot(token: other, userID: 5152, username: "other_test_bot")
            for token in [Self.token, other] {
                fake.sendText(token: token, chatID: Self.alice.id, from: Self.alice, text: "hello")
            }
            let waiting = Task { await fake.waitForSentMessages(tokens: [Self.token, other], total: 3) }
            for (token, text) in [(Self.token, "one"), (other, "two"), (other, "three")] {
                let answer = try await call(
                    fake, "sendMessage", token: token, json: ["chat_id": Self.alice.id, "text": text])
                #expect(answer.status == 200)
            }
            await waiting.value
            #expect(fake.sentMessages(token: Self.token).count + fake.sentMessages(token: other).count == 3)
        }
    }

    @Test("the sent-message observer is called the same way for the hundredth message as for the first")
    func observerDoesNotDeepen() async throws {
        try await withFake { fake in
            let depths = Mutex<[Int]>([])
            fake.observeSentMessages { _, _ in
                let depth = Thread.callStackReturnAddresses.count
                depths.withLock { $0.append(depth) }
            }
            fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "hello")
            for number in 1...100 {
                let sent = try await call(fake, "sendMessage", json: ["chat_id": Self.alice.id, "text": "n\(number)"])
                #expect(sent.ok)
            }
            let seen = depths.withLock { $0 }
            try #require(seen.count == 100)
            // Each call once went one re-abstraction thunk deeper than the last.
            #expect(seen.last! <= seen.first! + 2, "stack depth went from \(seen.first!) to \(seen.last!)")
        }
    }

    // 120 HTTP calls: the limit is a hang guard with room for a machine shared with builds.
    @Test("two long polls racing for one bot both get an answer: the later one wins, the other a 409",
          .timeLimit(.minutes(3)))
    func racingPollsAllAnswer() async throws {
        try await withFake { fake in
            for round in 0..<40 {
                async let first = call(fake, "getUpdates", json: ["timeout": 30])
                async let second = call(fake, "getUpdates", json: ["timeout": 30])
                // Each round makes three calls; both of this round's polls in, one of them waiting.
                await fake.waitForCalls(token: Self.token, method: "getUpdates", count: 3 * round + 2)
                await fake.waitForWaitingPoll(token: Self.token)
                let id = fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "r\(round)")
                let answers = try await [first, second]
                #expect(answers.contains { $0.ok && $0.updateIDs.contains(id) }, "round \(round): nobody got the update")
                #expect(answers.allSatisfy { $0.ok || $0.errorCode == 409 }, "round \(round)")
                _ = try await call(fake, "getUpdates", json: ["offset": id + 1, "timeout": 0])
            }
        }
    }

    @Test("registering a bot again keeps its queue and its waiting long poll", .timeLimit(.minutes(1)))
    func reRegisterKeepsPoll() async throws {
        try await withFake { fake in
            async let waiting = call(fake, "getUpdates", json: ["timeout": 30])
            await fake.waitForWaitingPoll(token: Self.token)
            fake.addBot(token: Self.token, userID: 5151, username: "renamed_bot")
            let id = fake.sendText(token: Self.token, chatID: Self.alice.id, from: Self.alice, text: "still there?")
            #expect(try await waiting.updateIDs == [id])
            let me = try await call(fake, "getMe")
            #expect(me.object["username"] as? String == "renamed_bot")
        }
    }
}
