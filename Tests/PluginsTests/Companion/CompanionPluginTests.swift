import FakeModelAPI
import Foundation
import MetricsTestKit
import Plugins
import Testing
import Tenant
import GRDB

@Suite("CompanionPlugin", .timeLimit(.minutes(5)))
struct CompanionPluginTests {
    @Test("a private text is answered by the model; the request has the endpoint's shape, the key and the settings")
    func answersThroughModel() async throws {
        let fixture = try await CompanionFixture(#"{ "temperature": 0.5, "max_tokens": 120 }"#)
        let outcome = try await fixture.harness.handle(Updates.message("hello"))
        #expect(outcome.disposition == .handled)
        #expect(outcome.sentTexts == [CompanionFixture.disclosure, "fake reply 1 to: hello"])
        let request = try #require(fixture.fake.requests.first)
        #expect(fixture.fake.violations.isEmpty)
        #expect(request.model == "test-model")
        #expect(request.temperature == 0.5)
        #expect(request.maxTokens == 120)
        #expect(request.authorization == "Bearer \(CompanionFixture.apiKey)")
        #expect(!request.wantsJSON)
        #expect(request.messages.map(\.role) == ["system", "user"])
        #expect(request.systemPrompt.hasPrefix("You are a warm, curious conversation partner"))
        await fixture.fake.stop()
    }

    @Test("the prompt holds the person's local time of day and the chat's last history_turns messages")
    func promptHasTimeAndHistory() async throws {
        let fixture = try await CompanionFixture(#"{ "history_turns": 3 }"#)
        for text in ["one", "two", "three"] {
            _ = try await fixture.harness.handle(Updates.message(text))
        }
        let last = try #require(fixture.fake.requests.last)
        // 1_800_000_000 is Friday 2027-01-15 08:00 UTC; the test bot has no time zone, so UTC.
        #expect(last.systemPrompt.contains("The person's local time: Friday 08:00 (morning), time zone"))
        #expect(last.messages.map(\.content).dropFirst() == [
            "fake reply 1 to: one", "two", "fake reply 2 to: two", "three",
        ])
        #expect(last.messages.map(\.role).dropFirst() == ["assistant", "user", "assistant", "user"])
        await fixture.fake.stop()
    }

    @Test("the time of day follows the person's own time zone, else the bot's")
    func localTime() async throws {
        let bot = BotDescriptor(id: "test-bot", name: "Test Bot", timeZone: TimeZone(identifier: "America/New_York")!)
        let fixture = try await CompanionFixture(#"{ "disclosure": false }"#, bot: bot)
        _ = try await fixture.harness.handle(Updates.message("morning?"))
        #expect(fixture.fake.requests.last?.systemPrompt.contains(
            "The person's local time: Friday 03:00 (night), time zone America/New_York.") == true)
        try await fixture.harness.store.write { db in
            try db.execute(
                sql: "INSERT INTO user_time_zones (user_id, time_zone) VALUES (?, 'Asia/Tokyo')",
                arguments: [User.alice.id])
        }
        _ = try await fixture.harness.handle(Updates.message("and now?"))
        #expect(fixture.fake.requests.last?.systemPrompt.contains(
            "The person's local time: Friday 17:00 (evening), time zone Asia/Tokyo.") == true)
        await fixture.fake.stop()
    }

    @Test("the profile is rewritten by the model every profile_every messages and shown in later prompts")
    func updatesProfile() async throws {
        let fixture = try await CompanionFixture(#"{ "profile_every": 2 }"#)
        fixture.fake.setProfileAnswer(#"Sure! {"name":"Alice","interests":["chess"],"facts":["has a cat"]}"#)
        _ = try await fixture.harness.handle(Updates.message("hi, I'm Alice"))
        _ = try await fixture.harness.handle(Updates.message("I play chess with my cat"))
        var requests = fixture.fake.requests
        #expect(requests.count == 3)
        #expect(requests[2].wantsJSON)
        #expect(requests[2].messages.last?.content.contains("person: I play chess with my cat") == true)
        _ = try await fixture.harness.handle(Updates.message("guess my name"))
        requests = fixture.fake.requests
        #expect(requests.count == 4)
        #expect(requests[3].systemPrompt.contains(#"{"facts":["has a cat"],"interests":["chess"],"name":"Alice"}"#))
        #expect(fixture.fake.violations.isEmpty)
        await fixture.fake.stop()
    }

    @Test("a profile answer that is no JSON keeps the old profile and counts a bad answer")
    func keepsProfileOnBadAnswer() async throws {
        let fixture = try await CompanionFixture(#"{ "profile_every": 1 }"#)
        fixture.fake.setProfileAnswer("no idea")
        let outcome = try await fixture.harness.handle(Updates.message("hi"))
        #expect(outcome.sentTexts.last == "fake reply 1 to: hi")
        #expect(try fixture.errors("bad_answer") == 1)
        _ = try await fixture.harness.handle(Updates.message("again"))
        #expect(fixture.fake.requests.last.map { !$0.systemPrompt.contains("What you know") } == true)
        await fixture.fake.stop()
    }

    @Test("the disclosure comes first in a chat, then only when asked; asking does not call the model")
    func disclosure() async throws {
        let fixture = try await CompanionFixture()
        #expect(try await fixture.harness.handle(Updates.message("hey")).sentTexts.first == CompanionFixture.disclosure)
        let second = try await fixture.harness.handle(Updates.message("how are you"))
        #expect(second.sentTexts == ["fake reply 2 to: how are you"])
        let asked = try await fixture.harness.handle(Updates.message("wait, ARE YOU A BOT?"))
        #expect(asked.sentTexts == [CompanionFixture.disclosure])
        let russian = User(id: 1001, firstName: "Alice", languageCode: "ru")
        let askedInRussian = try await fixture.harness.handle(Updates.message("Ты бот?", from: russian))
        #expect(askedInRussian.sentTexts.first?.hasPrefix("Чтобы ты знал(а)") == true)
        #expect(fixture.fake.requests.count == 2)
        await fixture.fake.stop()
    }

    @Test("disclosure: false sends no disclosure and lets the model answer the question")
    func disclosureOff() async throws {
        let fixture = try await CompanionFixture(#"{ "disclosure": false }"#)
        #expect(try await fixture.harness.handle(Updates.message("are you a bot?")).sentTexts == [
            "fake reply 1 to: are you a bot?"
        ])
        #expect(fixture.fake.requests.first.map { !$0.systemPrompt.contains("say plainly that you are an AI") } == true)
        await fixture.fake.stop()
    }

    @Test("model failures answer with the fallback, count the reason and store no answer", arguments: [
        (FakeModelFailure.status(429), "rate_limited"),
        (.status(500), "server_error"),
        (.status(503), "server_error"),
        (.status(400), "refused"),
        (.garbage, "bad_answer"),
    ])
    func fallsBack(failure: FakeModelFailure, reason: String) async throws {
        let fixture = try await CompanionFixture(#"{ "disclosure": false }"#)
        fixture.fake.failNext(failure)
        let outcome = try await fixture.harness.handle(Updates.message("hello"))
        #expect(outcome.disposition == .handled)
        #expect(outcome.sentTexts == [CompanionFixture.fallback])
        #expect(try fixture.errors(reason) == 1)
        _ = try await fixture.harness.handle(Updates.message("again"))
        let history = try #require(fixture.fake.requests.last).messages.map(\.content).dropFirst()
        #expect(Array(history) == ["hello", "again"])
        await fixture.fake.stop()
    }

    @Test("no key in the environment or the key file: the fallback answers and no_key is counted")
    func noKey() async throws {
        let missingEnv = try await CompanionFixture(#"{ "disclosure": false }"#, environment: [:])
        #expect(try await missingEnv.harness.handle(Updates.message("hi")).sentTexts == [CompanionFixture.fallback])
        #expect(try missingEnv.errors("no_key") == 1)
        #expect(missingEnv.fake.requests.isEmpty)
        await missingEnv.fake.stop()
        let missingFile = try await CompanionFixture(#"{ "disclosure": false, "api_key_file": "/nonexistent/key" }"#)
        #expect(try await missingFile.harness.handle(Updates.message("hi")).sentTexts == [CompanionFixture.fallback])
        #expect(try missingFile.errors("no_key") == 1)
        await missingFile.fake.stop()
    }

    @Test("the key may come from a file")
    func keyFromFile() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("companion-key-\(UUID().uuidString)").path
        try "\(CompanionFixture.apiKey)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fixture = try await CompanionFixture(#"{ "disclosure": false, "api_key_file": "\#(path)" }"#)
        #expect(try await fixture.harness.handle(Updates.message("hi")).sentTexts == ["fake reply 1 to: hi"])
        #expect(fixture.fake.requests.first?.authorization == "Bearer \(CompanionFixture.apiKey)")
        await fixture.fake.stop()
        try FileManager.default.removeItem(atPath: path)
    }

    @Test("a model that does not answer within timeout: the fallback answers and timeout is counted")
    func timeout() async throws {
        let fixture = try await CompanionFixture(#"{ "disclosure": false, "timeout": 0.2 }"#)
        fixture.fake.stall(containing: "slow")
        #expect(try await fixture.harness.handle(Updates.message("slow one")).sentTexts == [CompanionFixture.fallback])
        #expect(try fixture.errors("timeout") == 1)
        await fixture.fake.stop()
    }

    @Test("an unreachable endpoint: the fallback answers and transport is counted")
    func unreachable() async throws {
        let fixture = try await CompanionFixture(
            #"{ "disclosure": false, "base_url": "http://127.0.0.1:9/v1", "timeout": 1 }"#)
        #expect(try await fixture.harness.handle(Updates.message("hi")).sentTexts == [CompanionFixture.fallback])
        #expect(try fixture.errors("transport") == 1)
        await fixture.fake.stop()
    }

    @Test("over rate_limit the first message gets the notice, later ones nothing, and a minute later it answers again")
    func rateLimit() async throws {
        var fixture = try await CompanionFixture(#"{ "disclosure": false, "rate_limit": { "per_minute": 2 } }"#)
        #expect(try await fixture.harness.handle(Updates.message("1")).sentTexts == ["fake reply 1 to: 1"])
        #expect(try await fixture.harness.handle(Updates.message("2")).sentTexts == ["fake reply 2 to: 2"])
        let notice = try await fixture.harness.handle(Updates.message("3"))
        #expect(notice.sentTexts == ["You're writing faster than I can think. Give me a minute, please."])
        let silent = try await fixture.harness.handle(Updates.message("4"))
        #expect(silent.disposition == .handled)
        #expect(silent.actions.isEmpty)
        let other = User(id: 2002, firstName: "Bob", languageCode: "en")
        #expect(try await fixture.harness.handle(Updates.message("hi", from: other, in: Chat(id: 2002, kind: .private)))
            .sentTexts == ["fake reply 3 to: hi"])
        fixture.harness.now += 61
        #expect(try await fixture.harness.handle(Updates.message("5")).sentTexts == ["fake reply 4 to: 5"])
        let limited = try fixture.metrics.expectCounter(CompanionMetricName.rateLimited, [("bot", "test-bot")])
        #expect(limited.totalValue == 2)
        await fixture.fake.stop()
    }

    @Test("groups, commands, media and edits pass")
    func passes() async throws {
        let fixture = try await CompanionFixture()
        for update in [
            Updates.message("hello", in: .group), Updates.message("/start"),
            Updates.message("look", attachment: .photo(fileID: "p")), Updates.edited("hello"),
        ] {
            let outcome = try await fixture.harness.handle(update)
            #expect(outcome.disposition == .passed)
            #expect(outcome.actions.isEmpty)
        }
        #expect(fixture.fake.requests.isEmpty)
        await fixture.fake.stop()
    }

    @Test("base_url: offline answers a clearly marked canned reply and calls nothing")
    func offline() async throws {
        let harness = try await PluginHarness<CompanionPlugin>(
            configuration: CompanionFixture.decode(#"{ "base_url": "offline", "profile_every": 1 }"#))
        let outcome = try await harness.handle(Updates.message("hello there"))
        #expect(outcome.sentTexts.count == 2)
        #expect(outcome.sentTexts.last?.hasPrefix("[offline demo] You said: “hello there”.") == true)
    }

    @Test("forgetting a person erases their history, profile and disclosure note, and nobody else's")
    func forget() async throws {
        let harness = try await PluginHarness<CompanionPlugin>(
            configuration: CompanionFixture.decode(#"{ "base_url": "offline", "profile_every": 1 }"#))
        let adminChat = Chat(id: User.admin.id, kind: .private)
        for text in ["hello", "I like chess"] {
            _ = try await harness.handle(Updates.message(text))
            _ = try await harness.handle(Updates.message(text, from: .admin, in: adminChat))
        }
        func rows(_ userID: Int64) async throws -> [Int] {
            try await harness.store.read { db in
                [
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM companion_turns WHERE chat_id = ?", arguments: [userID]),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM companion_profiles WHERE user_id = ?", arguments: [userID]),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM plugin_kv WHERE key = ?", arguments: ["disclosed.\(userID)"]),
                ].map { $0 ?? 0 }
            }
        }
        #expect(try await rows(User.alice.id) == [4, 1, 1])
        #expect(try await rows(User.admin.id) == [4, 1, 1])
        let companion = try #require(try await harness.export(User.alice.id).plugins["companion"])
        #expect(companion.tables["companion_turns"]?.map { $0["text"] }.first == .text("hello"), "oldest first")
        #expect([companion.tables["companion_turns"]?.count, companion.tables["companion_profiles"]?.count,
                 companion.tables["plugin_kv"]?.count] == [4, 1, 1], "her rows only, as the forget counts them")

        try await harness.forget(User.alice.id)
        #expect(try await harness.export(User.alice.id).isEmpty, "the second export is empty")
        #expect(try await rows(User.alice.id) == [0, 0, 0])
        #expect(try await rows(User.admin.id) == [4, 1, 1])
        let again = try await harness.handle(Updates.message("hi again"))
        #expect(again.sentTexts.count == 2, "a forgotten person is told again that this is an AI")
    }
}
