import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Rooms that change under a bot, against a real Synapse: one replaced by an upgrade (its
/// tombstone), one turned encrypted; and the language a Matrix bot answers in.
@Suite("End to end: Matrix rooms", .serialized, .timeLimit(.minutes(3)))
struct MatrixRoomsEndToEndTests {
    static let bot = "@aviary_echo:localhost"

    @Test("an upgraded room: the bot joins the replacement and a reply meant for the old room goes there")
    func tombstoneFollowed() async throws {
        let (testbed, ann, room) = try await MatrixTestbed.echoChat()
        try await ann.say("one", in: room)
        _ = try await ann.waitForMessages(in: room) { $0.bodies(from: Self.bot).contains("one") }
        let upgrade = try await ann.call(
            .POST,
            "/_matrix/client/v3/rooms/\(MatrixPerson.escaped(room))/upgrade",
            ["new_version": "10"]
        )
        let replacement = try #require(upgrade["replacement_room"] as? String)
        // As Element does after an upgrade: the members are invited into the new room.
        try await ann.call(
            .POST,
            "/_matrix/client/v3/rooms/\(MatrixPerson.escaped(replacement))/invite",
            ["user_id": Self.bot]
        )
        _ = try await ann.waitForEvents(in: replacement, type: "m.room.member") { events in
            events.contains { $0["state_key"] as? String == Self.bot && Self.membership($0) == "join" }
        }
        try await ann.say("two", in: replacement)
        _ = try await ann.waitForMessages(in: replacement) { $0.bodies(from: Self.bot).contains("two") }
        // The creator may still write in the old room; the echo follows the chat to the new one.
        try await ann.say("late", in: room)
        let moved = try await ann.waitForMessages(in: replacement) { $0.bodies(from: Self.bot).contains("late") }
        #expect(moved.bodies(from: Self.bot) == ["two", "late"])
        #expect(try await ann.events(in: room).bodies(from: Self.bot) == ["one"])
        try await testbed.stop()
    }

    @Test("a room that turns encrypted gets one notice, the bot leaves, and the chat is marked blocked")
    func encryptedLeft() async throws {
        let (testbed, ann, room) = try await MatrixTestbed.echoChat()
        try await ann.say("hi", in: room)
        _ = try await ann.waitForMessages(in: room) { $0.bodies(from: Self.bot).contains("hi") }
        try await ann.call(
            .PUT,
            "/_matrix/client/v3/rooms/\(MatrixPerson.escaped(room))/state/m.room.encryption/",
            ["algorithm": "m.megolm.v1.aes-sha2"]
        )
        let members = try await ann.waitForEvents(in: room, type: "m.room.member") { events in
            events.contains { $0["state_key"] as? String == Self.bot && Self.membership($0) == "leave" }
        }
        #expect(members.filter { $0["state_key"] as? String == Self.bot }.map(Self.membership) == ["invite", "join", "leave"])
        let notices = try await ann.events(in: room).bodies(from: Self.bot).filter { $0.contains("encryption") }
        #expect(notices.count == 1)
        try await testbed.waitForChat(bot: "echo", room: room, blocked: true)
        // The dashboard's page of the bot lists the room.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let base = "http://127.0.0.1:\(testbed.aviaryPort)"
        let session = try await BrowserTests.signIn(base: base, client: client)
        var request = HTTPClientRequest(url: base + "/bots/echo")
        request.headers.add(name: "Cookie", value: "aviary_session=\(session)")
        let page = String(buffer: try await client.execute(request, timeout: .seconds(30)).body.collect(upTo: 1 << 20))
        let section = try #require(page.range(of: "Encrypted Matrix rooms left").map { page[$0.upperBound...] })
        #expect(section.prefix(600).contains("<code>\(room)</code>"), "\(section.prefix(600))")
        try await testbed.stop()
    }

    @Test("Matrix sends no language: the manifest's locale picks the text")
    func languageFromManifest() async throws {
        let bot = "@aviary_lang:localhost"
        let manifest = """
            platform: matrix
            locale: ru
            matrix:
              localpart: aviary_lang
            plugins:
              - replies:
                  commands:
                    start: { reply: hello }
                  replies:
                    hello: { text: { en: "Hello", ru: "Привет" } }
            """
        let (testbed, ann, room) = try await MatrixTestbed.directChat(id: "lang", manifest: manifest, bot: bot)
        try await ann.say("!start", in: room)
        let messages = try await ann.waitForMessages(in: room) { !$0.bodies(from: bot).isEmpty }
        #expect(messages.bodies(from: bot) == ["Привет"])
        try await testbed.stop()
    }

    static func membership(_ event: [String: Any]) -> String? {
        (event["content"] as? [String: Any])?["membership"] as? String
    }
}

extension MatrixTestbed {
    /// A testbed running the echo bot, with ann in a direct chat with it.
    static func echoChat() async throws -> (MatrixTestbed, MatrixPerson, String) {
        try await directChat(id: "echo", manifest: MatrixEndToEndTests.echo, bot: MatrixRoomsEndToEndTests.bot)
    }
}
