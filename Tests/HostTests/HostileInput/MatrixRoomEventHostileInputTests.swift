import Foundation
import Logging
import PropertyBased
import Testing
import Tenant
@testable import Host

/// Membership, tombstone, encryption and image events as a homeserver or a person may shape
/// them: any membership, any state key, any sender, tombstones naming anything. Only a person's
/// leave or ban in a direct chat blocks it; only a tombstone naming a room moves a chat; only an
/// `mxc://` image is a photo.
@Suite("Hostile input: Matrix room events", .serialized, .timeLimit(.minutes(5)))
struct MatrixRoomEventHostileInputTests {
    static let bot = MatrixHostileInputTests.bot
    static let direct = "!direct:localhost"
    static let group = "!group:localhost"

    static func hub() throws -> MatrixHub {
        let hub = try MatrixHostileInputTests.hub()
        try hub.store.addMember(room: direct, user: bot, direct: true)
        try hub.store.addMember(room: group, user: bot, direct: false)
        return hub
    }

    /// The neutral update the bot gets for `event`, if any.
    static func updates(_ hub: MatrixHub, _ event: [String: Any]) throws -> [Update] {
        guard let parsed = MatrixTransactionParser.parse(event) else { return [] }
        return try hub.route(parsed).map { item in
            try MatrixUpdateDecoder().decode(item.body, botUsername: "aviary_echo")
        }
    }

    static let membership = Gen.oneOf(
        Gen.element(of: ["join", "leave", "ban", "invite", "knock", "", "LEAVE"]).map { $0 ?? "" },
        Gen.lowercaseLetter.string(of: 1...12)
    )
    static let person = Gen.lowercaseLetter.string(of: 1...12).map { "@\($0):localhost" }

    @Test("any membership of any person, direct or group: blocked only by a leave or ban in a direct chat")
    func memberships() async throws {
        let hub = try Self.hub()
        await propertyCheck(count: 400, input: Self.membership, Self.person, Gen.bool, Gen.int(in: 0...1_000_000)) {
            membership, person, inDirect, serial in
            let event: [String: Any] = [
                "event_id": "$m\(serial)", "room_id": inDirect ? Self.direct : Self.group, "sender": person,
                "type": "m.room.member", "state_key": person, "origin_server_ts": 1,
                "content": ["membership": membership],
            ]
            let updates = try Self.updates(hub, event)
            guard ["join", "leave", "ban", "invite"].contains(membership) else {
                #expect(updates.isEmpty, "\(membership)")
                return
            }
            let update = try #require(updates.first)
            guard case .memberChange(let change) = update.content else {
                Issue.record("\(membership): \(update.content)")
                return
            }
            #expect(change.concernsBot == inDirect)
            #expect(change.member.username == (inDirect ? Self.bot : person))
            let blocks = change.concernsBot && ["left", "kicked"].contains(change.newStatus)
            #expect(blocks == (inDirect && ["leave", "ban"].contains(membership)))
        }
    }

    @Test("tombstones naming anything: only a room id moves the chat, and the move is recorded once")
    func tombstones() async throws {
        let hub = try Self.hub()
        let target = Gen.oneOf(
            Gen.lowercaseLetter.string(of: 1...30).map { "!\($0):localhost" },
            Gen.ascii.string(of: 0...40),
            Gen.int(in: 256...400).map { "!" + String(repeating: "r", count: $0) }
        )
        await propertyCheck(count: 300, input: target, Gen.int(in: 0...1_000_000)) { target, serial in
            guard target != Self.group else { return }
            let event: [String: Any] = [
                "event_id": "$t\(serial)", "room_id": Self.group, "sender": "@ann:localhost",
                "type": "m.room.tombstone", "state_key": "", "origin_server_ts": 1,
                "content": ["replacement_room": target, "body": "moved"],
            ]
            let updates = try Self.updates(hub, event)
            let valid = target.hasPrefix("!") && target.utf8.count <= 255
                && !target.unicodeScalars.contains { $0.properties.generalCategory == .control }
            if valid {
                let moved = try #require(updates.first?.message?.migrateToChatID)
                #expect(try hub.store.name(for: moved) == target)
                #expect(try hub.store.replacement(of: Self.group) == target)
                #expect(try hub.store.members(of: target).map(\.user) == [Self.bot])
            } else {
                #expect(updates.isEmpty, "\(target)")
            }
        }
    }

    @Test("images with any url: only an mxc:// URL is a photo; a caption only beside a file name")
    func images() async throws {
        let hub = try Self.hub()
        let url = Gen.oneOf(
            Gen.lowercaseLetter.string(of: 1...20).map { "mxc://localhost/\($0)" },
            Gen.element(of: ["https://example.org/a.png", "", "MXC://x/y", "file:///etc/passwd"]).map { $0 ?? "" }
        )
        await propertyCheck(count: 300, input: url, Gen.bool, Gen.int(in: 0...1_000_000)) { url, named, serial in
            var content: [String: Any] = ["msgtype": "m.image", "body": "look at this", "url": url]
            if named { content["filename"] = "cat.png" }
            let event: [String: Any] = [
                "event_id": "$i\(serial)", "room_id": Self.direct, "sender": "@ann:localhost",
                "type": "m.room.message", "origin_server_ts": 1, "content": content,
            ]
            let message = try Self.updates(hub, event).first?.message
            if url.hasPrefix("mxc://") {
                #expect(message?.attachment == .photo(fileID: url))
                #expect(message?.text == (named ? "look at this" : nil))
                #expect(message?.command == nil)
            } else {
                #expect(message?.attachment == nil)
            }
        }
    }

    @Test("an encryption event in a room with a bot: a member change that blocks the chat, for every room shape")
    func encryption() async throws {
        let hub = try Self.hub()
        await propertyCheck(count: 100, input: Gen.bool, Self.person, Gen.int(in: 0...1_000_000)) { inDirect, person, serial in
            let event: [String: Any] = [
                "event_id": "$e\(serial)", "room_id": inDirect ? Self.direct : Self.group, "sender": person,
                "type": "m.room.encryption", "state_key": "", "origin_server_ts": 1,
                "content": ["algorithm": "m.megolm.v1.aes-sha2"],
            ]
            let update = try #require(try Self.updates(hub, event).first)
            guard case .memberChange(let change) = update.content else {
                Issue.record("\(update.content)")
                return
            }
            #expect(change.concernsBot && change.newStatus == "left" && change.member.username == Self.bot)
        }
    }
}
