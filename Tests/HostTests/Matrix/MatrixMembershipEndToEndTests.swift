import Foundation
import NIOHTTP1
import GRDB
import Testing

/// People leaving and coming back, against a real Synapse: a direct chat whose person left is
/// blocked, as a Telegram chat whose person blocked the bot; their return unblocks it.
@Suite("End to end: Matrix membership", .serialized, .timeLimit(.minutes(3)))
struct MatrixMembershipEndToEndTests {
    @Test("the person leaving a direct chat blocks it; joining again unblocks it")
    func leaveBlocks() async throws {
        let bot = "@aviary_echo:localhost"
        let testbed = try await MatrixTestbed()
        try testbed.sandbox.writeManifest("echo", MatrixEndToEndTests.echo)
        try await testbed.startHost(bots: 1)
        let ann = try testbed.people(["ann"])[0]
        // A public direct chat, so that ann can join again on her own after leaving.
        let room = try #require(
            try await ann.call(
                .POST,
                "/_matrix/client/v3/createRoom",
                ["invite": [bot], "is_direct": true, "preset": "public_chat"]
            )["room_id"] as? String
        )
        try await ann.say("hello", in: room)
        _ = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).contains("hello") }
        #expect(try await testbed.chatBlocked(bot: "echo", room: room) == false)

        try await ann.call(.POST, "/_matrix/client/v3/rooms/\(MatrixPerson.escaped(room))/leave", [:])
        try await testbed.waitForChat(bot: "echo", room: room, blocked: true)

        try await ann.call(.POST, "/_matrix/client/v3/rooms/\(MatrixPerson.escaped(room))/join", [:])
        try await testbed.waitForChat(bot: "echo", room: room, blocked: false)
        try await ann.say("back", in: room)
        _ = try await ann.waitForMessages(in: room) { $0.bodies(from: bot).contains("back") }
        try await testbed.stop()
    }
}

extension MatrixTestbed {
    /// Whether the bot `id`'s chat for `room` is marked blocked; `nil` before the chat is known.
    func chatBlocked(bot id: String, room: String) async throws -> Bool? {
        let names = try DatabaseQueue(path: "\(sandbox.dataDirectory)/matrix.sqlite")
        guard let chat = try await names.read({ db in
            try Int64.fetchOne(db, sql: "SELECT id FROM names WHERE name = ?", arguments: [room])
        }) else { return nil }
        let database = try DatabaseQueue(path: "\(sandbox.dataDirectory)/\(id).sqlite")
        return try await database.read { db in
            try Bool.fetchOne(db, sql: "SELECT blocked FROM chats WHERE id = ?", arguments: [chat])
        }
    }

    /// Waits until the bot `id`'s chat for `room` is `blocked` (or not); the suite's time limit
    /// ends a wait that never ends.
    func waitForChat(bot id: String, room: String, blocked: Bool) async throws {
        while try await chatBlocked(bot: id, room: room) != blocked {
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
