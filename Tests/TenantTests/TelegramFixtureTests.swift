import Foundation
import Testing
@testable import Tenant

@Suite("Telegram fixtures")
struct TelegramFixtureTests {
    static let bundled = Bundle.module.url(forResource: "Fixtures/telegram-updates", withExtension: nil)!

    static func load(_ name: String) throws -> Data {
        try Data(contentsOf: bundled.appendingPathComponent(name))
    }

    static func decode(_ name: String) throws -> Update {
        try TelegramUpdateDecoder().decode(load(name), botUsername: "han_dating_bot")
    }

    /// `../shared/fixtures/telegram-updates` beside the package root, when present, so that new
    /// shared fixtures are covered without copying them.
    static var sharedFolder: URL? {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TenantTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
        let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/telegram-updates")
        return FileManager.default.fileExists(atPath: folder.path) ? folder : nil
    }

    /// Every `.json` file in the bundled fixtures and, when present, the shared ones.
    static func allFixtures() throws -> [URL] {
        var files: [URL] = []
        for folder in [bundled] + [sharedFolder].compactMap({ $0 }) {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            files += names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
        }
        return files
    }

    @Test("every fixture decodes; its envelope agrees with the full decoding on id, type and lane")
    func everyFixtureDecodes() throws {
        let files = try Self.allFixtures()
        #expect(files.count >= 15)
        for file in files {
            let name = file.lastPathComponent
            let raw = try Data(contentsOf: file)
            let update: Update
            let envelope: ReceivedUpdate
            do {
                update = try TelegramUpdateDecoder().decode(raw, botUsername: "han_dating_bot")
                envelope = try TelegramUpdateDecoder.envelope(of: raw)
            } catch {
                Issue.record("\(file.path) does not decode: \(error)")
                continue
            }
            #expect(envelope.id == update.id, "\(name)")
            #expect(envelope.raw == raw, "\(name)")
            #expect(update.raw == raw, "\(name) keeps its raw JSON")
            if case .other(let type) = update.content {
                #expect(envelope.kind == type, "\(name)")
            } else {
                #expect(TelegramUpdate.modelledTypes.contains(envelope.kind), "\(name)")
            }
            if let chat = update.chat {
                #expect(envelope.lane == chat.id, "\(name): the lane is the chat")
            }
        }
    }

    @Test("text with emoji and entities keeps the exact text, so Telegram's UTF-16 entity offsets still fit")
    func emoji() throws {
        let message = try #require(try Self.decode("text_with_entities_emoji.json").message)
        let text = try #require(message.text)
        #expect(text == "👍🏽 bold and link")
        #expect(message.sender?.languageCode == "ru")
        #expect(message.chat == Chat(id: 111_111_111, kind: .private, username: "alice_k"))
        #expect(message.command == nil)
        #expect(message.attachment == nil)

        let raw = try JSONSerialization.jsonObject(with: Self.load("text_with_entities_emoji.json")) as? [String: Any]
        let entities = try #require((raw?["message"] as? [String: Any])?["entities"] as? [[String: Any]])
        let covered = entities.compactMap { entity -> String? in
            guard let offset = entity["offset"] as? Int, let length = entity["length"] as? Int else { return nil }
            let units = Array(text.utf16)[offset..<(offset + length)]
            return String(decoding: units, as: UTF16.self)
        }
        #expect(covered == ["bold", "link"])
    }

    @Test("a command addressed to another bot is no command for this one")
    func otherBotsCommand() throws {
        let message = try #require(try Self.decode("command_other_bot.json").message)
        #expect(message.text == "/status@other_bot")
        #expect(message.command == nil)
        #expect(message.chat.kind == .supergroup)
    }

    @Test("a photo gives its largest size and the caption as text")
    func photo() throws {
        let message = try #require(try Self.decode("photo_with_caption.json").message)
        #expect(message.attachment == .photo(fileID: "AgACAgIAAxkBAAIC"))
        #expect(message.text == "Это я")
        #expect(message.command == nil)
    }

    @Test("stickers, locations and contacts map onto attachments")
    func attachments() throws {
        #expect(try Self.decode("sticker.json").message?.attachment == .sticker(fileID: "CAACAgIAAxkBAAID", emoji: "😀"))
        #expect(
            try Self.decode("location.json").message?.attachment == .location(latitude: 55.7558, longitude: 37.6173)
        )
        #expect(
            try Self.decode("contact.json").message?.attachment
                == .contact(phoneNumber: "+10000000000", firstName: "Alice", userID: 111_111_111)
        )
        #expect(try Self.decode("forwarded_hidden_user.json").message?.text == "fwd")
    }

    @Test("a 4096-character Cyrillic text arrives intact")
    func longCyrillic() throws {
        let text = try #require(try Self.decode("text_4096_cyrillic.json").message?.text)
        #expect(text.count == 4096)
        #expect(text.allSatisfy { $0 == "Ж" })
    }

    @Test("a user blocking the bot is a member change concerning the bot")
    func blocked() throws {
        guard case .memberChange(let change) = try Self.decode("my_chat_member_blocked.json").content else {
            Issue.record("expected a member change")
            return
        }
        #expect(change.newStatus == "kicked")
        #expect(change.oldStatus == "member")
        #expect(change.concernsBot)
        #expect(change.chat.id == 111_111_111)
        #expect(change.member.isBot)
        #expect(change.actor.id == 111_111_111)
    }

    @Test("a group migrating to a supergroup carries the new id")
    func migration() throws {
        let message = try #require(try Self.decode("migrate_to_chat.json").message)
        #expect(message.migrateToChatID == -1_004_000_000_001)
        #expect(message.chat.kind == .group)
        #expect(message.chat.id == -4_000_000_001)
    }

    @Test("a button press carries its data and its message's chat; unknown fields are ignored")
    func callback() throws {
        let query = try #require(try Self.decode("callback_query.json").callbackQuery)
        #expect(query.data == "like:222222222")
        #expect(query.message?.chat.id == 111_111_111)
        #expect(query.sender.firstName == "Алиса")
        #expect(query.id == "4382bfdwdsb323b2d9")
        #expect(try TelegramUpdateDecoder.envelope(of: Self.load("callback_query.json")).lane == 111_111_111)
    }

    @Test(
        "types outside the model are kept raw with their type name",
        arguments: [
            ("business_message.json", "business_message", Int64(111_111_111)),
            ("chat_join_request.json", "chat_join_request", -1_001_234_567_890),
            ("pre_checkout_query.json", "pre_checkout_query", 111_111_111),
            ("unknown_update_type.json", "some_future_update", 0),
        ]
    )
    func other(file: String, type: String, lane: Int64) throws {
        let update = try Self.decode(file)
        guard case .other(let decodedType) = update.content else {
            Issue.record("\(file) should be .other")
            return
        }
        #expect(decodedType == type)
        #expect(update.kind == .other(type))
        #expect(update.raw == (try Self.load(file)))
        #expect(update.chat == nil)
        let envelope = try TelegramUpdateDecoder.envelope(of: Self.load(file))
        #expect(envelope.kind == type)
        #expect(envelope.lane == lane)
    }
}
