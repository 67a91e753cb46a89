import FakeBotAPI
import Foundation
import GRDB
import Tenant
import Testing
@testable import Host

/// The README: a chat that blocked or removed the bot "is marked blocked, … nothing more is sent
/// until that person writes again", and `context.chatHasBlockedBot(id)` says so. Telegram tells a
/// bot it was blocked with a `my_chat_member` update whose new status is `kicked`.
@Suite("Delivery promises: a my_chat_member \"kicked\" update blocks the chat", .timeLimit(.minutes(3)))
struct BlockedChatPromiseTests {
    /// Bot `door`'s token at the fake.
    static let token = "6300:" + String(repeating: "k", count: 35)
    /// Bot `door` as a Telegram user, the member whose status changes.
    static let botUser: [String: any Sendable] = [
        "id": Int64(6300), "is_bot": true, "first_name": "Door", "username": "door_bot",
    ]

    /// Answers an edited message in the edited chat, and tells the bot's first admin whether
    /// that chat has blocked the bot: an update handled after the chat's earlier ones.
    struct BlockProbePlugin: Plugin {
        static let name = "blockprobe"

        init(configuration: NoConfiguration, bot: BotDescriptor) {}

        var interests: Set<UpdateKind> { [.editedMessage] }

        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard case .editedMessage(let message) = update.content, let admin = context.bot.admins.min() else {
                return .passed
            }
            let blocked = try await context.chatHasBlockedBot(message.chat.id)
            context.reply("your edit was seen")
            context.send(OutgoingMessage(chatID: admin, text: "chat \(message.chat.id) blocked: \(blocked)"))
            return .handled
        }
    }

    /// `person`'s private chat, as Telegram sends it.
    static func chat(_ person: FakeUser) -> [String: any Sendable] {
        ["id": person.id, "type": "private", "first_name": person.firstName]
    }

    /// `person` as a Telegram user.
    static func user(_ person: FakeUser) -> [String: any Sendable] {
        ["id": person.id, "is_bot": false, "first_name": person.firstName]
    }

    @Test("after \"kicked\" the chat shows as blocked and gets nothing; writing again unblocks it")
    func kickedBlocksUntilTheyWrite() async throws {
        var registry = PluginRegistry.builtIn()
        registry.register(BlockProbePlugin.self)
        let host = try await PromiseHost.start(registry: registry) { fake, sandbox in
            fake.addBot(token: Self.token, userID: 6300, username: "door_bot")
            // One sender: messages leave in the order they were queued, across chats.
            try sandbox.writeManifest("door", PromiseHost.manifest(
                id: "door", token: Self.token, apiURL: fake.baseURL, plugins: ["blockprobe", "echo"],
                delivery: ["concurrent_sends: 1"], extra: ["admins: [1]"]))
            fake.markChatKnown(token: Self.token, chatID: 1)
        }
        await host.waitUntilRunning("door")
        let (fake, person) = (host.fake, FakeUser(id: 21, firstName: "Kim"))
        func sentToPerson() -> [String] {
            fake.sentMessages(token: Self.token).filter { $0.chatID == person.id }.map(\.text)
        }
        fake.sendText(token: Self.token, chatID: person.id, from: person, text: "hi")
        _ = try await fake.waitForSentMessages(token: Self.token, count: 1, timeout: .seconds(60))

        let now = Int(Date().timeIntervalSince1970)
        fake.enqueueUpdate(token: Self.token, type: "my_chat_member", payload: [
            "chat": Self.chat(person), "from": Self.user(person), "date": now,
            "old_chat_member": ["status": "member", "user": Self.botUser] as [String: any Sendable],
            "new_chat_member": ["status": "kicked", "user": Self.botUser, "until_date": 0] as [String: any Sendable],
        ])
        // Handled after the kick (same chat, in order); its answer to the chat is queued before the admin's note.
        fake.enqueueUpdate(token: Self.token, type: "edited_message", payload: [
            "message_id": 7, "date": now, "edit_date": now, "chat": Self.chat(person), "from": Self.user(person),
            "text": "hi, edited",
        ])
        let note = try await fake.waitForSentMessages(token: Self.token, count: 2, timeout: .seconds(60)).last
        #expect(note?.chatID == 1)
        #expect(note?.text == "chat 21 blocked: true", "chatHasBlockedBot after the kick")
        #expect(sentToPerson() == ["hi"], "nothing is sent to a chat that kicked the bot")
        let blockedRow = try await host.database("door").read { db in
            try Bool.fetchOne(db, sql: "SELECT blocked FROM chats WHERE id = 21")
        }
        #expect(blockedRow == true)

        fake.sendText(token: Self.token, chatID: person.id, from: person, text: "back again")
        _ = try await fake.waitForSentMessages(token: Self.token, count: 3, timeout: .seconds(60))
        #expect(sentToPerson() == ["hi", "back again"], "writing again unblocks; the held answer stays dead")
        await host.stop()
        let outbox = try await host.database("door").read { db in
            try String.fetchAll(db, sql: "SELECT status FROM outbox WHERE chat_id = 21 ORDER BY id")
        }
        // The last reply's row may still be pending: the in-process stop cuts its record short.
        #expect(outbox.prefix(2) == ["sent", "dead"], "the answer held back is a dead letter: \(outbox)")
    }
}
