import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Tenant
import Testing
@testable import Host

/// Answers every text with five messages, the first greeting the sender by name: more than a
/// private chat's burst of 3, so the last two are paced a second apart.
struct ChattyTestPlugin: Plugin {
    static let name = "chatty"
    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let message = update.message, let sender = message.sender else { return .passed }
        context.reply("Hi \(sender.firstName) (\(sender.languageCode ?? "-"))")
        for part in 2...5 { context.reply("part \(part)") }
        return .handled
    }
}

/// A sandbox write or press with `?wait` carries the bot's whole answer; a call that leaves out
/// `first_name` keeps the name the person gave before (issue #18, item 6, the sandbox).
@Suite("Sandbox: the whole answer, and names kept", .timeLimit(.minutes(3)))
struct SandboxAnswerTests {
    static let admin: HTTPFields = [
        .authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json",
    ]
    static let chatty = """
        id: chatty
        brand: han
        platform: sandbox
        plugins:
          - chatty
        """

    static func host() async throws -> HTTPTestHost {
        var registry = PluginRegistry.builtIn()
        registry.register(ChattyTestPlugin.self)
        return try await HTTPTestHost.start(registry: registry, extraManifests: ["chatty": chatty])
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    static func texts(_ answer: [String: Any], from: String) -> [String] {
        (answer["messages"] as? [[String: Any]] ?? []).filter { $0["from"] as? String == from }
            .compactMap { $0["text"] as? String }
    }

    @Test("a write with ?wait=30 answers with all five replies, paced past the burst, after the person's message")
    func wholeAnswer() async throws {
        let host = try await Self.host()
        try await host.withClient { client in
            let written = try await client.execute(
                uri: "/api/v1/bots/chatty/sandbox/messages?wait=30", method: .post, headers: Self.admin,
                body: ByteBuffer(string: #"{"user_id":42,"first_name":"Ann","text":"hello"}"#))
            #expect(written.status == .accepted, "\(String(buffer: written.body))")
            let answer = try Self.json(written.body)
            #expect(answer["answered"] as? Bool == true)
            #expect(Self.texts(answer, from: "user") == ["hello"])
            #expect(Self.texts(answer, from: "bot") == ["Hi Ann (-)", "part 2", "part 3", "part 4", "part 5"])
            let revision = try #require((answer["revision"] as? NSNumber)?.int64Value)
            let later = try await client.execute(
                uri: "/api/v1/bots/chatty/sandbox/chats/42?after=\(revision)", method: .get, headers: Self.admin)
            #expect((try Self.json(later.body)["messages"] as? [Any])?.isEmpty == true, "nothing came after")
        }
        await host.stop()
    }

    @Test("a press with ?wait=30 answers with the reply it led to; without wait the answer is the update id only")
    func pressAnswer() async throws {
        let host = try await Self.host()
        try await host.withClient { client in
            let plain = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.admin,
                body: ByteBuffer(string: #"{"user_id":7,"text":"/start"}"#))
            #expect(try Self.json(plain.body).keys.sorted() == ["update_id"])
            let started = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages?wait=30", method: .post, headers: Self.admin,
                body: ByteBuffer(string: #"{"user_id":7,"text":"/start"}"#))
            let menu = try #require(
                (try Self.json(started.body)["messages"] as? [[String: Any]])?.last { $0["from"] as? String == "bot" })
            let data = try #require((menu["buttons"] as? [[[String: Any]]])?.first?.first?["data"] as? String)
            let pressed = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/presses?wait=30", method: .post, headers: Self.admin,
                body: ByteBuffer(string: #"{"user_id":7,"message_id":\#(menu["id"] as! NSNumber),"data":"\#(data)"}"#))
            #expect(pressed.status == .accepted, "\(String(buffer: pressed.body))")
            #expect(Self.texts(try Self.json(pressed.body), from: "bot") == ["Be kind."])
        }
        await host.stop()
    }

    @Test("a write or press without first_name keeps the person's name and language; someone new is User <id>")
    func namesKept() async throws {
        let host = try await Self.host()
        try await host.withClient { client in
            func write(_ body: String) async throws -> [String] {
                let written = try await client.execute(
                    uri: "/api/v1/bots/chatty/sandbox/messages?wait=30", method: .post, headers: Self.admin,
                    body: ByteBuffer(string: body))
                #expect(written.status == .accepted, "\(String(buffer: written.body))")
                return Self.texts(try Self.json(written.body), from: "bot")
            }
            let first = try await write(#"{"user_id":42,"first_name":"Ann","language_code":"pt-BR","text":"hi"}"#)
            let nameless = try await write(#"{"user_id":42,"text":"again"}"#)
            let renamed = try await write(#"{"user_id":42,"first_name":"Annie","text":"renamed"}"#)
            let stranger = try await write(#"{"user_id":43,"text":"new here"}"#)
            #expect(first.first == "Hi Ann (pt-BR)")
            #expect(nameless.first == "Hi Ann (pt-BR)")
            #expect(renamed.first == "Hi Annie (pt-BR)")
            #expect(stranger.first == "Hi User 43 (-)")
        }
        let people = try #require(host.supervisor.sandboxes["chatty"]).people()
        #expect(people.map(\.firstName) == ["Annie", "User 43"])
        await host.stop()
    }

    @Test("wait on a write or press outside 0...30 is a 400 naming wait")
    func waitBounded() async throws {
        let host = try await Self.host()
        try await host.withClient { client in
            for path in ["messages", "presses"] {
                let refused = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/\(path)?wait=31", method: .post, headers: Self.admin,
                    body: ByteBuffer(string: #"{"user_id":7,"message_id":1,"data":"x","text":"hi"}"#))
                #expect(refused.status == .badRequest)
                #expect(String(buffer: refused.body).contains("wait must be a whole number from 0 to 30"))
            }
        }
        await host.stop()
    }
}
