import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing
@testable import Host

/// The shipped sandbox bots as a new user tries them (issue #18, item 6, han-demo): person 1,
/// han-demo's admin, gets `/status`; every command a bot does not know gets an answer.
@Suite("Shipped sandbox bots: admin commands and unknown commands", .timeLimit(.minutes(3)))
struct ShippedDemoTests {
    static let root = SandboxWalkthroughTests.root
    static let headers: HTTPFields = [
        .authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json",
    ]

    /// The shipped manifests of sandbox bots, by id.
    static func sandboxManifests() throws -> [String: String] {
        let folder = root.appendingPathComponent("bots.d")
        var manifests: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            if text.contains("\nplatform: sandbox") { manifests[String(name.dropLast(5))] = text }
        }
        return manifests
    }

    /// What bot `id` answers person `user` writing `text`, waiting for the whole answer.
    static func answer(_ client: any TestClientProtocol, _ id: String, _ user: Int, _ text: String) async throws -> [String] {
        let sent = try await client.execute(
            uri: "/api/v1/bots/\(id)/sandbox/messages?wait=30", method: .post, headers: headers,
            body: ByteBuffer(string: #"{"user_id":\#(user),"text":"\#(text)"}"#))
        #expect(sent.status == .accepted, "\(String(buffer: sent.body))")
        let json = try #require(JSONSerialization.jsonObject(with: Data(buffer: sent.body)) as? [String: Any])
        return (json["messages"] as? [[String: Any]] ?? []).filter { $0["from"] as? String == "bot" }
            .compactMap { $0["text"] as? String }
    }

    @Test("han-demo: person 1 gets /status and both helps; anyone else's /status or unknown command is answered")
    func hanDemo() async throws {
        let manifests = try Self.sandboxManifests()
        let host = try await HTTPTestHost.start(extraManifests: ["han-demo": try #require(manifests["han-demo"])])
        try await host.withClient { client in
            let status = try await Self.answer(client, "han-demo", 1, "/status")
            #expect(status.count == 1 && status[0].contains("Uptime:"), "\(status)")
            let help = try await Self.answer(client, "han-demo", 1, "/help")
            #expect(help.first?.hasPrefix("Admin commands:") == true, "\(help)")
            #expect(help.last?.hasPrefix("/start makes your profile") == true, "\(help)")
            let fallback = "Sorry, I don't know that command. /help lists what I can do."
            #expect(try await Self.answer(client, "han-demo", 2, "/status") == [fallback])
            #expect(try await Self.answer(client, "han-demo", 2, "/frobnicate") == [fallback])
            let chat = try await Self.answer(client, "han-demo", 2, "hello there")
            #expect(!chat.isEmpty && !chat.contains(fallback), "the companion answers texts: \(chat)")
        }
        await host.stop()
    }

    @Test("every shipped bot, Telegram ones too: replies sets unknown_command and comes after every plugin with commands")
    func shippedOrder() throws {
        let folder = Self.root.appendingPathComponent("bots.d")
        let withCommands: Set<String> = ["admin", "followups", "dating"]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let plugins = text.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  - ") else { return nil }
                return line.dropFirst(4).prefix { $0.isLetter || $0 == "_" }.description
            }
            let replies = try #require(plugins.firstIndex(of: "replies"), "\(name) has no replies")
            #expect(plugins[replies...].allSatisfy { !withCommands.contains($0) }, "\(name): \(plugins)")
            #expect(text.contains("      unknown_command:"), "\(name)")
        }
    }

    @Test("every shipped sandbox bot answers a command it does not know")
    func unknownCommands() async throws {
        let manifests = try Self.sandboxManifests()
        #expect(manifests.count >= 2, "\(manifests.keys)")
        let host = try await HTTPTestHost.start(extraManifests: manifests)
        try await host.withClient { client in
            for id in manifests.keys.sorted() {
                for (user, command) in [(1, "/nosuchcommand"), (2, "/status"), (3, "/moderation")] {
                    let answer = try await Self.answer(client, id, user, command)
                    #expect(!answer.isEmpty, "\(id) is silent to \(command)")
                }
            }
        }
        await host.stop()
    }
}
