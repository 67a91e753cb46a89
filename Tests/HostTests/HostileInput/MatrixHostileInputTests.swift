import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import NIOCore
import NIOFoundationCompat
import PropertyBased
import Testing
import Tenant
@testable import Host

/// Hostile traffic on the application-service route and in the events it carries: whatever an
/// outsider or a broken homeserver sends, nothing is spooled without the `hs_token`, bodies are
/// bounded, malformed events are skipped, and a transaction is never refused for its events.
@Suite("Hostile input: Matrix transactions", .serialized, .timeLimit(.minutes(5)))
struct MatrixHostileInputTests {
    static let hsToken = "hs-token-0123456789abcdef"
    static let bot = "@aviary_echo:localhost"

    /// A hub over a fresh store in a temporary folder.
    static func hub(pendingLimit: Int = MatrixStore.defaultPendingLimit) throws -> MatrixHub {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-\(UUID().uuidString)").path
        let config = MatrixConfig(
            id: "aviary",
            homeserver: URL(string: "http://127.0.0.1:1")!,
            serverName: "localhost",
            asToken: "as-token-0123456789abcdef",
            hsToken: hsToken,
            userPrefix: "aviary_",
            url: URL(string: "http://127.0.0.1:2")!
        )
        let store = try MatrixStore(dataDirectory: folder, pendingLimit: pendingLimit)
        return MatrixHub(config: config, store: store, logger: Logger(label: "test"))
    }

    /// Runs `body` with a client of a router serving only the Matrix routes of `hub`.
    static func withRoute(_ hub: MatrixHub, _ body: @Sendable (any TestClientProtocol) async throws -> Void)
        async throws
    {
        let router = Router(context: HostRequestContext.self)
        router.add(middleware: BodyLimitMiddleware())
        MatrixTransactionRoute(hub: hub).register(on: router)
        try await Application(router: router).test(.router) { client in try await body(client) }
    }

    /// A message event from a person in `room`.
    static func message(
        _ id: String,
        room: String = "!room:localhost",
        sender: String = "@ann:localhost",
        body: String = "hi"
    ) -> [String: Any] {
        [
            "event_id": id, "room_id": room, "sender": sender, "type": "m.room.message", "origin_server_ts": 1,
            "content": ["msgtype": "m.text", "body": body],
        ]
    }

    static func transaction(_ events: [[String: Any]]) -> ByteBuffer {
        ByteBuffer(data: try! JSONSerialization.data(withJSONObject: ["events": events]))
    }

    /// Tokens: random, the right one with a character changed, cut or lengthened.
    static let wrongToken = Gen.oneOf(
        Gen.ascii.string(of: 0...300).map { $0.filter { !$0.isNewline && $0.isASCII && !$0.isWhitespace } },
        Gen.int(in: 0...(hsToken.count - 1)).map { index -> String in
            var characters = Array(hsToken)
            characters[index] = characters[index] == "x" ? "y" : "x"
            return String(characters)
        },
        Gen.int(in: 0...(hsToken.count - 1)).map { String(hsToken.prefix($0)) },
        Gen.lowercaseLetter.string(of: 1...40).map { hsToken + $0 }
    )

    @Test("wrong or missing hs_token, in the header or the query: 401 or 403, nothing spooled")
    func wrongTokens() async throws {
        let hub = try Self.hub()
        try hub.store.addMember(room: "!room:localhost", user: Self.bot, direct: true)
        try await Self.withRoute(hub) { client in
            await propertyCheck(count: 300, input: Self.wrongToken, Gen.int(in: 0...2)) { token, place in
                var headers: HTTPFields = [.contentType: "application/json"]
                var uri = "/_matrix/app/v1/transactions/t1"
                switch place {
                case 0: headers[.authorization] = "Bearer \(token)"
                case 1:
                    uri += "?access_token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                default: break
                }
                let answer = try await client.execute(
                    uri: uri,
                    method: .put,
                    headers: headers,
                    body: Self.transaction([Self.message("$e1")])
                )
                // An empty bearer is no token at all.
                let missing = place == 2 || (place == 0 && token.isEmpty)
                #expect(answer.status.code == (missing ? 401 : 403), "\(place) \(token.prefix(40))")
                #expect(answer.body.readableBytes < 200)
            }
            #expect(try hub.store.pending(user: Self.bot, from: 0, limit: 10).isEmpty)
            let right = try await client.execute(
                uri: "/_matrix/app/v1/transactions/t2?access_token=\(Self.hsToken)",
                method: .put,
                headers: [.contentType: "application/json"],
                body: Self.transaction([Self.message("$e1")])
            )
            #expect(right.status == .ok)
            #expect(try hub.store.pending(user: Self.bot, from: 0, limit: 10).count == 1)
        }
    }

    @Test("a body over 8 MiB is 413; garbage is 400, never 5xx; a transaction id over 255 bytes is 400")
    func bodies() async throws {
        let hub = try Self.hub()
        let auth: HTTPFields = [.authorization: "Bearer \(Self.hsToken)", .contentType: "application/json"]
        try await Self.withRoute(hub) { client in
            let real = ByteBuffer(repeating: UInt8(ascii: " "), count: MatrixTransactionRoute.maximumBody + 1)
            let huge = try await client.execute(
                uri: "/_matrix/app/v1/transactions/huge",
                method: .put,
                headers: auth,
                body: real
            )
            #expect(huge.status.code == 413)
            await propertyCheck(count: 200, input: Gen.latin1.string(of: 0...2_000)) { text in
                let answer = try await client.execute(
                    uri: "/_matrix/app/v1/transactions/g",
                    method: .put,
                    headers: auth,
                    body: ByteBuffer(string: text)
                )
                #expect([200, 400].contains(answer.status.code), "\(answer.status.code) for \(text.prefix(40))")
            }
            let long = String(repeating: "t", count: 300)
            let answer = try await client.execute(
                uri: "/_matrix/app/v1/transactions/\(long)",
                method: .put,
                headers: auth,
                body: Self.transaction([])
            )
            #expect(answer.status.code == 400)
        }
    }

    /// Events with fields of the wrong type, missing, too long, or of unknown types.
    static let event = Gen.oneOf(
        Gen.int(in: 0...7).map { field -> [String: Any] in
            var event = message("$id\(field)")
            let keys = ["event_id", "room_id", "sender", "type"]
            if field < 4 {
                event[keys[field]] = 42
            } else {
                event[keys[field - 4]] = String(repeating: "x", count: 256)
            }
            return event
        },
        Gen.lowercaseLetter.string(of: 1...30).map { type -> [String: Any] in
            var event = message("$t\(type)")
            event["type"] = "org.example.\(type)"
            event["content"] = ["anything": [1, 2, ["deep": true]]]
            return event
        },
        Gen.int(in: 65_000...70_000).map { size in message("$big\(size)", body: String(repeating: "é", count: size)) }
    )

    @Test("malformed events are skipped, unknown types spooled as other, bodies cut at 64 KiB")
    func events() async throws {
        let hub = try Self.hub()
        try hub.store.addMember(room: "!room:localhost", user: Self.bot, direct: true)
        await propertyCheck(count: 200, input: Self.event.array(of: 1...5)) { events in
            let body = Data(buffer: Self.transaction(events))
            let parsed = try MatrixTransactionParser.events(in: body)
            #expect(parsed.events.count + parsed.skipped == events.count)
            for event in parsed.events {
                #expect(event.eventID.utf8.count <= 255 && event.roomID.utf8.count <= 255)
                #expect((event.body?.utf8.count ?? 0) <= MatrixTransactionParser.maximumBodyLength)
            }
            _ = try hub.ingest(parsed.events)
        }
        let many = (0...MatrixTransactionParser.maximumEvents).map { Self.message("$m\($0)") }
        #expect(throws: MatrixEventError.self) {
            try MatrixTransactionParser.events(in: Data(buffer: Self.transaction(many)))
        }
    }

    @Test("the bots' own echoes are dropped; a resent event is spooled once; a silent bot user's spool is bounded")
    func routing() async throws {
        let hub = try Self.hub(pendingLimit: 20)
        try hub.store.addMember(room: "!room:localhost", user: Self.bot, direct: true)
        await propertyCheck(count: 100, input: Gen.lowercaseLetter.string(of: 1...20)) { name in
            let echo = Self.message("$echo-\(name)", sender: "@aviary_\(name):localhost")
            let event = try #require(MatrixTransactionParser.parse(echo))
            #expect(try hub.route(event).isEmpty)
        }
        let events = (0..<15).compactMap { MatrixTransactionParser.parse(Self.message("$r\($0)")) }
        #expect(try hub.ingest(events).spooled == 15)
        _ = try hub.ingest(events)
        #expect(try hub.store.pending(user: Self.bot, from: 0, limit: 100).count == 15)
        let more = (15..<40).compactMap { MatrixTransactionParser.parse(Self.message("$r\($0)")) }
        let outcome = try hub.ingest(more)
        #expect(outcome.dropped == 20)
        #expect(try hub.store.pending(user: Self.bot, from: 0, limit: 100).count == 20)
    }
}
