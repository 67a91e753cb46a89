import FakeBotAPI
import FakeModelAPI
import Foundation
import GRDB
import Plugins
import Tenant
import Testing

@Suite("Remote plugin", .timeLimit(.minutes(2)))
struct RemotePluginTests {
    @Test("a message is POSTed signed, with the bot, the update, the person and the state; the answer applies")
    func callAndApply() async throws {
        let fixture = try await RemoteFixture(handler: FakeRemotePlugin.counter)
        defer { Task { await fixture.fake.stop() } }
        let first = try await fixture.harness.handle(Updates.message("hello"))
        #expect(first.disposition == .handled)
        #expect(first.sentTexts == ["#1"])
        let second = try await fixture.harness.handle(Updates.message("again"))
        #expect(second.sentTexts == ["#2"])
        #expect(try await fixture.state("person", User.alice.id) == ["count": "2"])

        let calls = fixture.fake.calls
        #expect(calls.count == 2 && calls.allSatisfy(\.signatureValid))
        let body = calls[0].json
        #expect(body["version"] as? Int == 1 && body["event"] as? String == "update")
        #expect((body["bot"] as? [String: Any])?["id"] as? String == "test-bot")
        #expect((body["bot"] as? [String: Any])?["username"] as? String == "aviary_test_bot")
        let message = (body["update"] as? [String: Any])?["message"] as? [String: Any]
        #expect(message?["text"] as? String == "hello")
        #expect((body["person"] as? [String: Any])?["first_name"] as? String == "Alice")
        #expect((body["chat"] as? [String: Any])?["kind"] as? String == "private")
        #expect(calls[0].idempotencyKey == body["idempotency_key"] as? String)
        #expect(calls[0].idempotencyKey.hasPrefix("test-bot:"))
        let secondState = (calls[1].json["state"] as? [String: Any])?["person"] as? [String: Any]
        #expect(secondState?["count"] as? Int == 1)
    }

    @Test("plugins of one secret file sign with the text it was read with last: a rescan rotates running ones")
    func rotatedSecretFile() async throws {
        let fixture = try await RemoteFixture(handler: FakeRemotePlugin.counter)
        defer { Task { await fixture.fake.stop() } }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString).key").path
        let configuration = RemoteConfiguration(name: "horoscope", url: fixture.fake.url, secretFile: path)
        let running = try RemotePlugin(configuration: configuration, bot: .test)
            .withSecret(RemoteSecret(text: RemoteFixture.secret), fromFile: path)
        let harness = try await PluginHarness(plugin: running, bot: .test)
        #expect(try await harness.handle(Updates.message("one")).sentTexts == ["#1"])
        let rotated = "rotated-secret-" + UUID().uuidString
        fixture.fake.rotate(to: rotated)
        // What the host's next scan does: it reads the file again and builds the plugin anew.
        _ = try RemotePlugin(configuration: configuration, bot: .test)
            .withSecret(RemoteSecret(text: rotated + "\n"), fromFile: path)
        #expect(try await harness.handle(Updates.message("two")).sentTexts == ["#2"])
        #expect(fixture.fake.calls.map(\.signatureValid) == [true, true])
    }

    @Test("5xx answers are called again with the same idempotency key until one answers")
    func retriesUntilAnswered() async throws {
        let fixture = try await RemoteFixture(#"{"attempts": 4}"#) { call in
            call.json["attempt"] as? Int ?? 0 < 3 ? .status(503) : FakeRemotePlugin.counter(call)
        }
        defer { Task { await fixture.fake.stop() } }
        let outcome = try await fixture.harness.handle(Updates.message("hello"))
        #expect(outcome.sentTexts == ["#1"])
        let calls = fixture.fake.calls
        #expect(calls.count == 3)
        #expect(Set(calls.map(\.idempotencyKey)).count == 1)
        #expect(fixture.failures("server_error") == 2)
    }

    @Test("garbage every time: the update fails with the plugin's error, or passes with on_failure: pass")
    func garbage() async throws {
        let failing = try await RemoteFixture(#"{"attempts": 2}"#) { _ in .answer("not json at all") }
        defer { Task { await failing.fake.stop() } }
        await #expect {
            _ = try await failing.harness.handle(Updates.message("hello"))
        } throws: { error in
            "\(error)".contains("bad_answer after 2 attempts: the answer is refused: the answer is not JSON")
        }
        #expect(failing.failures("bad_answer") == 2)
        #expect(try await failing.state("person", User.alice.id).isEmpty)

        let passing = try await RemoteFixture(#"{"attempts": 1, "on_failure": "pass"}"#) { _ in .status(500) }
        defer { Task { await passing.fake.stop() } }
        let outcome = try await passing.harness.handle(Updates.message("hello"))
        #expect(outcome.disposition == .passed && outcome.actions.isEmpty)
    }

    @Test("an unsigned answer, an unknown action kind and a 4xx are refused with their reason")
    func refusals() async throws {
        let unsigned = try await RemoteFixture(#"{"attempts": 1}"#) { _ in .unsigned(#"{"disposition":"handled"}"#) }
        defer { Task { await unsigned.fake.stop() } }
        await #expect { _ = try await unsigned.harness.handle(Updates.message("x")) } throws: { error in
            "\(error)".contains("Aviary-Signature is missing")
        }
        let unknown = try await RemoteFixture(#"{"attempts": 1}"#) { _ in
            .answer(#"{"disposition":"handled","actions":[{"kind":"delete","message_id":1}]}"#)
        }
        defer { Task { await unknown.fake.stop() } }
        await #expect { _ = try await unknown.harness.handle(Updates.message("x")) } throws: { error in
            "\(error)".contains("actions[0].kind: unknown action kind 'delete'")
        }
        let refused = try await RemoteFixture(#"{"attempts": 3}"#) { _ in .status(403) }
        defer { Task { await refused.fake.stop() } }
        await #expect { _ = try await refused.harness.handle(Updates.message("x")) } throws: { error in
            "\(error)".contains("answered 403")
        }
        #expect(refused.fake.calls.count == 1, "a 4xx is not called again")
    }

    @Test("a redirect is not followed: the signed request goes nowhere else, and the call fails")
    func redirectNotFollowed() async throws {
        let elsewhere = try await RemoteFixture(handler: FakeRemotePlugin.counter)
        defer { Task { await elsewhere.fake.stop() } }
        let fixture = try await RemoteFixture(#"{"attempts": 3}"#) { _ in .redirect(elsewhere.fake.url) }
        defer { Task { await fixture.fake.stop() } }
        await #expect { _ = try await fixture.harness.handle(Updates.message("x")) } throws: { error in
            "\(error)".contains("client_error after 1 attempt:") && "\(error)".contains("answered 307")
        }
        #expect(fixture.fake.calls.count == 1 && elsewhere.fake.calls.isEmpty)
    }

    @Test("a button press reaches the plugin as the neutral callback query")
    func callbackQuery() async throws {
        let fixture = try await RemoteFixture(#"{"interests": ["callback"]}"#) { _ in
            .answer(#"{"disposition":"handled","actions":[{"kind":"answer_callback","text":"ok"}]}"#)
        }
        defer { Task { await fixture.fake.stop() } }
        let outcome = try await fixture.harness.handle(Updates.press("menu:1"))
        #expect(outcome.actions.count == 1)
        let update = try #require(fixture.fake.calls.first?.json["update"] as? [String: Any])
        #expect(update["kind"] as? String == "callback_query")
        #expect((update["callback_query"] as? [String: Any])?["data"] as? String == "menu:1")
    }

    @Test("a scheduled call-back is stored and reaches the plugin as a job event, answered in its chat")
    func scheduledCallBack() async throws {
        let fixture = try await RemoteFixture { call in
            if call.json["event"] as? String == "job" {
                let payload = (call.json["job"] as? [String: Any])?["payload"] as? String ?? ""
                return .answer(
                    #"{"disposition":"handled","actions":[{"kind":"reply","text":"later: \#(payload)"}]}"#)
            }
            return .answer(
                #"{"disposition":"handled","actions":[{"kind":"schedule","key":"nudge","at":1800000060,"#
                    + #""payload":"p1"}]}"#)
        }
        defer { Task { await fixture.fake.stop() } }
        _ = try await fixture.harness.handle(Updates.message("/remind"))
        let stored = try await fixture.harness.store.read { db in
            try String.fetchOne(db, sql: "SELECT plugin || ' ' || key || ' ' || payload FROM scheduled_jobs")
        }
        #expect(stored == "remote:horoscope nudge p1")
        let job = ScheduledJob(
            chatID: User.alice.id,
            key: "nudge",
            dueAt: Date(timeIntervalSince1970: 1_800_000_060),
            payload: "p1"
        )
        let fired = try await fixture.harness.fire(job)
        #expect(fired.sentTexts == ["later: p1"])
        #expect(fixture.fake.calls.last?.idempotencyKey == "test-bot:job:\(User.alice.id):nudge:1800000060000")
    }

    @Test("exporting shows a person's state and their private chat's, under the plugin's name; forgetting erases both")
    func exportThenForget() async throws {
        let fixture = try await RemoteFixture { _ in
            .answer(#"{"disposition":"handled","state":{"chat":{"set":{"seen":true}},"person":{"set":{"n":1}}}}"#)
        }
        defer { Task { await fixture.fake.stop() } }
        _ = try await fixture.harness.handle(Updates.message("hi"))
        #expect(try await fixture.state("chat", User.alice.id) == ["seen": "true"])
        let exported = try await fixture.harness.export(User.alice.id)
        let rows = try #require(exported.plugins.values.first?.tables["remote_plugin_state"])
        #expect(exported.plugins.keys.allSatisfy { $0.hasPrefix("remote:") }, "\(exported.plugins.keys)")
        #expect(rows.count == 2, "\(rows)")
        try await fixture.harness.forget(User.alice.id)
        #expect(try await fixture.harness.export(User.alice.id).plugins.values.allSatisfy(\.isEmpty))
        #expect(try await fixture.state("chat", User.alice.id).isEmpty)
        #expect(try await fixture.state("person", User.alice.id).isEmpty)
    }

    @Test("the circuit breaker opens after failed calls in a row, and calls stop until it lets one through")
    func circuitBreaker() async throws {
        let breaker = RemoteCircuitBreaker(threshold: 2, openFor: 3600)
        let fixture = try await RemoteFixture(#"{"attempts": 1}"#, breaker: breaker) { _ in .status(502) }
        defer { Task { await fixture.fake.stop() } }
        for _ in 0..<2 { _ = try? await fixture.harness.handle(Updates.message("x")) }
        #expect(fixture.fake.calls.count == 2)
        await #expect { _ = try await fixture.harness.handle(Updates.message("x")) } throws: { error in
            "\(error)".contains("circuit_open")
        }
        #expect(fixture.fake.calls.count == 2, "an open breaker makes no call")
        #expect(fixture.failures("circuit_open") == 1)
        #expect(!breaker.admit(at: Date()) && breaker.admit(at: Date().addingTimeInterval(3601)))
    }

    @Test("a plugin nothing listens for is refused, counted by kind, and called again")
    func refusedConnection() async throws {
        let refusing = try LoopbackPort.refusing()
        let port = refusing.number
        // AsyncHTTPClient retries a refused connection until the call's deadline: keep it short.
        let settings = #"{"attempts": 2, "timeout": "300ms", "url": "http://127.0.0.1:\#(port)/hook"}"#
        let fixture = try await RemoteFixture(settings) { _ in .status(500) }
        defer { Task { await fixture.fake.stop() } }
        await #expect { _ = try await fixture.harness.handle(Updates.message("x")) } throws: { error in
            "\(error)".contains("refused after 2 attempts: cannot reach http://127.0.0.1:\(port)/hook")
        }
        #expect(fixture.failures("refused") == 2)
        withExtendedLifetime(refusing) {}
    }

    @Test("a plugin that does not answer in time is a timeout")
    func timeout() async throws {
        let fixture = try await RemoteFixture(#"{"attempts": 1, "timeout": "200ms"}"#) { _ in .hold }
        defer { Task { await fixture.fake.stop() } }
        await #expect { _ = try await fixture.harness.handle(Updates.message("x")) } throws: { error in
            "\(error)".hasPrefix("plugin 'remote:horoscope' failed: timeout after 1 attempt")
                || "\(error)".hasPrefix("timeout after 1 attempt")
        }
        fixture.fake.release()
    }
}
