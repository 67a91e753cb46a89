import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Logging
import Tenant
@testable import Host
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// The real binary against a real Synapse: people DM bots of the host's application service.
@Suite("End to end: Matrix", .serialized, .timeLimit(.minutes(3)))
struct MatrixEndToEndTests {
    static let echo = """
        platform: matrix
        matrix:
          localpart: aviary_echo
          display_name: Echo
        plugins: [echo]
        """

    @Test("a person DMs an echo bot and gets exactly one reply per message, as m.notice; !start is a command")
    func echoExactlyOnce() async throws {
        let bot = "@aviary_echo:localhost"
        let (testbed, ann, room) = try await MatrixTestbed.directChat(id: "echo", manifest: Self.echo, bot: bot)
        // Said at once, before the bot joined: the bot reads it back after joining.
        try await ann.say("hello", in: room)
        // echo passes commands on: a `!start` read as a command gets no echo.
        try await ann.say("!start", in: room)
        // The marker: when its answer is there, nothing else is on its way.
        try await ann.say("marker", in: room)
        let messages = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).contains("marker") }
        #expect(messages.bodies(from: bot) == ["hello", "marker"])
        let types = messages.filter { $0["sender"] as? String == bot }.map {
            ($0["content"] as? [String: Any])?["msgtype"] as? String
        }
        #expect(types == ["m.notice", "m.notice"])
        try await testbed.stop()
    }

    static let menu = """
        platform: matrix
        matrix:
          localpart: aviary_menu
        plugins:
          - replies:
              commands:
                start: { reply: menu }
              replies:
                menu: { text: "Pick one", buttons: [[{ text: "FAQ", reply: faq }, { text: "Prices", reply: prices }]] }
                faq: "Answers here"
                prices: "From 5 EUR"
        """

    @Test("the replies plugin's menu: numbered lines with reactions; a reaction, a bare number and a label press")
    func menuPresses() async throws {
        let bot = "@aviary_menu:localhost"
        let (testbed, ann, room) = try await MatrixTestbed.directChat(id: "menu", manifest: Self.menu, bot: bot)
        try await ann.say("!start", in: room)
        let shown = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).count >= 1 }
        #expect(shown.bodies(from: bot) == ["Pick one\n\n1. FAQ\n2. Prices"])
        let menuEvent = try #require(shown.first { $0["sender"] as? String == bot }?["event_id"] as? String)
        let reactions = try await ann.waitForEvents(in: room, type: "m.reaction") { $0.count >= 2 }
        #expect(
            reactions.compactMap {
                (($0["content"] as? [String: Any])?["m.relates_to"] as? [String: Any])?["key"] as? String
            }
                == ["1\u{FE0F}\u{20E3}", "2\u{FE0F}\u{20E3}"]
        )
        try await ann.send(
            ["m.relates_to": ["rel_type": "m.annotation", "event_id": menuEvent, "key": "2\u{FE0F}\u{20E3}"]],
            type: "m.reaction",
            in: room,
            txn: "press-1"
        )
        _ = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).count >= 2 }
        try await ann.say("1", in: room)
        _ = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).count >= 3 }
        try await ann.say("prices", in: room)
        let all = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).count >= 4 }
        #expect(all.bodies(from: bot) == ["Pick one\n\n1. FAQ\n2. Prices", "From 5 EUR", "Answers here", "From 5 EUR"])
        try await testbed.stop()
    }

    @Test("kill -9 of the host mid-backlog loses and duplicates no reply")
    func killMidBacklog() async throws {
        let bot = "@aviary_echo:localhost"
        let (testbed, ann, room) = try await MatrixTestbed.directChat(id: "echo", manifest: Self.echo, bot: bot)
        try await ann.say("m0", in: room)
        _ = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).contains("m0") }
        let count = 40
        for index in 1...count / 2 {
            try await ann.say("m\(index)", in: room)
            if index == count / 4 { testbed.host?.crash() }
        }
        try await testbed.startHost(bots: 1)
        // Synapse 1.163 can strand an event created while its recoverer finishes (the service
        // was down): it stays queued until the service next fails. The second half waits for
        // the backlog to drain first, so the test sees Aviary's losses, not that race.
        _ = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).contains("m\(count / 2)") }
        for index in count / 2 + 1...count {
            try await ann.say("m\(index)", in: room)
        }
        let expected = (0...count).map { "m\($0)" }
        let messages = try await ann.waitForMessages(in: room) { Set($0.bodies(from: bot)).isSuperset(of: expected) }
        let replies = messages.bodies(from: bot)
        #expect(replies.count == expected.count, "no reply repeated: \(replies)")
        #expect(replies == expected, "per-chat order kept")
        try await testbed.stop()
    }
}

/// Sends with an idempotency key against the real Synapse: the key is the transaction id.
@Suite("End to end: Matrix idempotent sends", .serialized, .timeLimit(.minutes(3)))
struct MatrixIdempotentSendTests {
    @Test("one outbox id sent twice is one event; two bots with the same outbox id are two events")
    func resendIsOneEvent() async throws {
        let testbed = try await MatrixTestbed()
        let root = testbed.sandbox.root.path
        let store = try MatrixStore(dataDirectory: "\(root)/direct")
        let (one, two) = (try testbed.client("aviary_one", store: store), try testbed.client("aviary_two", store: store))
        _ = try await one.identify()
        _ = try await two.identify()
        let ann = try testbed.people(["ann"])[0]
        let room =
            try await ann.call(
                .POST,
                "/_matrix/client/v3/createRoom",
                ["invite": ["@aviary_one:localhost", "@aviary_two:localhost"], "preset": "trusted_private_chat"]
            )["room_id"] as! String
        try await one.join(room)
        try await two.join(room)
        let chat = try store.number(for: room)
        let action = OutgoingAction.send(OutgoingMessage(chatID: chat, text: "once"))
        let first = try await one.perform(action, idempotencyKey: "7")
        let again = try await one.perform(action, idempotencyKey: "7")
        #expect(first == again)
        _ = try await two.perform(action, idempotencyKey: "7")
        try await ann.say("marker", in: room)
        let messages = try await ann.waitForMessages(in: room) { $0.bodies(from: "@ann:localhost").contains("marker") }
        #expect(messages.bodies(from: "@aviary_one:localhost") == ["once"])
        #expect(messages.bodies(from: "@aviary_two:localhost") == ["once"])
        try await testbed.stop()
    }
}

/// Version 1 serves unencrypted rooms only.
@Suite("End to end: Matrix encrypted rooms", .serialized, .timeLimit(.minutes(3)))
struct MatrixEncryptedRoomTests {
    @Test("an invite to an encrypted room is declined with a reason; the bot never joins")
    func encryptedInviteDeclined() async throws {
        let testbed = try await MatrixTestbed()
        try testbed.sandbox.writeManifest("echo", MatrixEndToEndTests.echo)
        try await testbed.startHost(bots: 1)
        let ann = try testbed.people(["ann"])[0]
        let bot = "@aviary_echo:localhost"
        let encryption: [String: Any] = [
            "type": "m.room.encryption", "state_key": "", "content": ["algorithm": "m.megolm.v1.aes-sha2"],
        ]
        let room =
            try await ann.call(
                .POST,
                "/_matrix/client/v3/createRoom",
                ["invite": [bot], "is_direct": true, "preset": "trusted_private_chat", "initial_state": [encryption]]
            )["room_id"] as! String
        let members = try await ann.waitForEvents(in: room, type: "m.room.member") { events in
            events.contains { $0["state_key"] as? String == bot && Self.membership($0) == "leave" }
        }
        let bots = members.filter { $0["state_key"] as? String == bot }
        #expect(bots.map(Self.membership) == ["invite", "leave"])
        let reason = (bots.last?["content"] as? [String: Any])?["reason"] as? String
        #expect(reason?.contains("unencrypted rooms only") == true)
        try await testbed.stop()
    }

    static func membership(_ event: [String: Any]) -> String? {
        (event["content"] as? [String: Any])?["membership"] as? String
    }
}
