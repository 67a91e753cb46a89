import FakeBotAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Tenant
import Testing
import Yams
@testable import Host

/// The management API in process: every operation of `openapi.yaml` against every kind of
/// caller, and the answers' shapes.
@Suite("Management API", .serialized, .timeLimit(.minutes(5)))
struct ManagementAPITests {
    /// One operation of the OpenAPI document.
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var id: String
        var description: String { "\(id) (\(method) \(path))" }
    }

    /// Every operation the document lists.
    static func documentedOperations() throws -> [Operation] {
        let document = try #require(
            try Yams.load(yaml: String(decoding: OpenAPIDocument.bytes, as: UTF8.self)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: [Operation] = []
        for (path, item) in paths {
            for (method, operation) in (item as? [String: Any]) ?? [:] where ["get", "post", "put", "delete", "patch"].contains(method) {
                let id = try #require((operation as? [String: Any])?["operationId"] as? String)
                operations.append(Operation(method: method.uppercased(), path: path, id: id))
            }
        }
        return operations
    }

    /// The request each operation is exercised with, on bot `alpha` (brand han), or the
    /// sandbox bot `gamma` (brand han) for sandbox operations; `press` is a button of gamma's.
    static func request(
        for operation: Operation, press: (messageID: Int64, data: String, apiURL: URL)
    ) -> (uri: String, body: ByteBuffer?) {
        let uri = "/api/v1" + operation.path
            .replacingOccurrences(of: "{bot_id}", with: operation.id.hasPrefix("sandbox") ? "gamma" : "alpha")
            .replacingOccurrences(of: "{broadcast_id}", with: "1")
            .replacingOccurrences(of: "{user_id}", with: "5")
        switch operation.id {
        case "putManifest":
            return (uri, ByteBuffer(string: HTTPTestHost.manifest(
                id: "alpha", brand: "han", token: HTTPTestHost.bots["alpha"]!.1, apiURL: press.apiURL)))
        case "validateManifest":
            return (uri + "?file=new-bot.yaml", ByteBuffer(string: "token: \"1234:\(String(repeating: "x", count: 35))\"\nplugins: [echo]\n"))
        case "createBroadcast":
            return (uri, ByteBuffer(string: #"{"text":"news"}"#))
        case "retryDeadLetters":
            return (uri, ByteBuffer(string: #"{"ids":[]}"#))
        case "sandboxSendMessage":
            return (uri, ByteBuffer(string: #"{"user_id":5,"text":"hello"}"#))
        case "sandboxPressButton":
            return (uri, ByteBuffer(string: #"{"user_id":5,"message_id":\#(press.messageID),"data":"\#(press.data)"}"#))
        default:
            return (uri, nil)
        }
    }

    /// What each caller gets: admin and the bot's own brand succeed (reload is admin only),
    /// another brand gets 404 for the bot, no or a wrong token 401.
    static func expectedStatus(_ operation: Operation, caller: String) -> HTTPResponse.Status {
        let accepted = ["createBroadcast", "sandboxSendMessage", "sandboxPressButton"]
        // The matrix deletes nothing: its delete names a version the manifest does not have.
        let success: HTTPResponse.Status =
            accepted.contains(operation.id)
            ? .accepted
            : operation.id == "deleteManifest" ? .preconditionFailed : operation.id == "takeSnapshot" ? .created : .ok
        if ["getOpenAPIDocument", "getRemotePluginProtocol"].contains(operation.id) { return .ok }
        switch caller {
        case "admin":
            return success
        case "han":
            return operation.id == "reload" ? .forbidden : success
        case "lumen":
            switch operation.id {
            case "reload": return .forbidden
            case "listBots", "validateManifest", "getAuditLog": return .ok
            case "putManifest": return .conflict
            default: return .notFound
            }
        default:
            return .unauthorized
        }
    }

    /// Operations that stop or restart the bot run last, so the others find it running.
    static func ordered(_ operations: [Operation]) -> [Operation] {
        let last = ["disableBot", "enableBot", "stopBot", "startBot", "restartBot"]
        return operations.filter { !last.contains($0.id) }.sorted { $0.id < $1.id }
            + last.compactMap { id in operations.first { $0.id == id } }
    }

    @Test("every documented operation × admin, own brand, other brand, wrong token, no token")
    func authMatrix() async throws {
        let operations = try Self.documentedOperations()
        #expect(operations.count == 24, "the document lists \(operations.map(\.id).sorted())")
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let callers: [(String, String?)] = [
            ("admin", HTTPTestHost.adminToken), ("han", HTTPTestHost.hanToken), ("lumen", HTTPTestHost.lumenToken),
            ("wrong", "not-a-token"), ("none", nil),
        ]
        try await host.withClient { client in
            // A broadcast for getBroadcast to find, and a button of gamma's to press.
            let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)"]
            _ = try await client.execute(
                uri: "/api/v1/bots/alpha/broadcasts", method: .post, headers: admin, body: ByteBuffer(string: #"{"text":"first"}"#))
            let menu = try await Self.startMenu(client, headers: admin)
            let press = (menu.messageID, menu.data, host.fake.baseURL)
            for (caller, token) in callers {
                for operation in Self.ordered(operations) {
                    let (uri, body) = Self.request(for: operation, press: press)
                    var headers = HTTPFields()
                    if let token { headers[.authorization] = "Bearer \(token)" }
                    if operation.id == "putManifest" { headers[.ifMatch] = "*" }
                    if operation.id == "deleteManifest" { headers[.ifMatch] = "\"not-this-version\"" }
                    if body != nil {
                        let yaml = ["validateManifest", "putManifest"].contains(operation.id)
                        headers[.contentType] = yaml ? "application/yaml" : "application/json"
                    }
                    let response = try await client.execute(
                        uri: uri, method: HTTPRequest.Method(operation.method)!, headers: headers, body: body)
                    let expected = Self.expectedStatus(operation, caller: caller)
                    #expect(
                        response.status == expected,
                        "\(caller) → \(operation): \(response.status.code) \(String(buffer: response.body))")
                    if response.status.code >= 400 {
                        #expect(response.headers[.contentType] == "application/problem+json", "\(operation)")
                    }
                    if operation.id == "listBots", response.status == .ok {
                        let ids = Self.botIDs(in: response.body)
                        #expect(ids == (caller == "admin" ? ["alpha", "beta", "gamma"] : caller == "han" ? ["alpha", "gamma"] : ["beta"]))
                    }
                }
                await host.waitUntilRunning("alpha")
            }
        }
    }

    /// Sends `/start` to gamma as person 5 and returns the menu's button.
    static func startMenu(_ client: any TestClientProtocol, headers: HTTPFields) async throws -> (messageID: Int64, data: String) {
        var json = headers
        json[.contentType] = "application/json"
        let sent = try await client.execute(
            uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: json,
            body: ByteBuffer(string: #"{"user_id":5,"first_name":"Eve","text":"/start"}"#))
        #expect(sent.status == .accepted)
        var after: Int64 = 0
        for _ in 0..<20 {
            let answer = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/chats/5?after=\(after)&wait=5", method: .get, headers: headers)
            let conversation = try #require(try JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any])
            after = (conversation["revision"] as? NSNumber)?.int64Value ?? after
            for message in conversation["messages"] as? [[String: Any]] ?? [] where message["from"] as? String == "bot" {
                let button = ((message["buttons"] as? [[[String: Any]]])?.first?.first)
                if let id = (message["id"] as? NSNumber)?.int64Value, let data = button?["data"] as? String {
                    #expect(message["text"] as? String == "Welcome!")
                    return (id, data)
                }
            }
        }
        throw HarnessError("the sandbox bot never showed its menu")
    }

    @Test("a sandbox person may send a photo (a made-up file id) with or without a caption; a blank text or a bad id is refused")
    func sandboxPhoto() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let json: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]
        try await host.withClient { client in
            for (body, status) in [
                (#"{"user_id":5,"photo":"sandbox-photo-1"}"#, HTTPResponse.Status.accepted),
                (#"{"user_id":5,"photo":"p2","text":"me at the lake"}"#, .accepted),
                (#"{"user_id":5,"text":"  "}"#, .badRequest),
                (#"{"user_id":5}"#, .badRequest),
                (#"{"user_id":5,"photo":"no spaces please"}"#, .badRequest),
            ] {
                let sent = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: json, body: ByteBuffer(string: body))
                #expect(sent.status == status, "\(body)")
            }
            let sandbox = try #require(host.supervisor.sandboxes["gamma"])
            #expect(sandbox.messages(chatID: 5).filter { $0.from == .user }.map(\.photo) == ["sandbox-photo-1", "p2"])
        }
    }

    static func botIDs(in body: ByteBuffer) -> [String] {
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any]
        return ((json?["bots"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    @Test("a bot's detail masks its token; stop keeps it stopped across a reload; start brings it back")
    func detailAndLifecycle() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)"]
        try await host.withClient { client in
            let detail = try await client.execute(uri: "/api/v1/bots/alpha", method: .get, headers: admin)
            let text = String(buffer: detail.body)
            #expect(detail.status == .ok)
            #expect(text.contains(#""token":"4101:***""#))
            #expect(!text.contains(String(repeating: "a", count: 35)))
            #expect(text.contains(#""state":"running""#))

            let stopped = try await client.execute(uri: "/api/v1/bots/alpha/stop", method: .post, headers: admin)
            #expect(String(buffer: stopped.body).contains(#""state":"stopped""#))
            #expect(String(buffer: stopped.body).contains(#""stopped_by_operator":true"#))
            let notRunning = try await client.execute(uri: "/api/v1/bots/alpha/dead-letters", method: .get, headers: admin)
            #expect(notRunning.status == .conflict)

            let reload = try await client.execute(uri: "/api/v1/reload", method: .post, headers: admin)
            #expect(reload.status == .ok)
            #expect(String(buffer: reload.body).contains(#""started":[]"#))
            #expect(host.supervisor.table.snapshot["alpha"] == .stopped)

            let started = try await client.execute(uri: "/api/v1/bots/alpha/start", method: .post, headers: admin)
            #expect(started.status == .ok)
            await host.waitUntilRunning("alpha")
            let unknown = try await client.execute(uri: "/api/v1/bots/nobody/start", method: .post, headers: admin)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("bad input is 400 naming what is wrong; an invalid manifest lists its errors")
    func badInput() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]
        try await host.withClient { client in
            let noText = try await client.execute(
                uri: "/api/v1/bots/alpha/broadcasts", method: .post, headers: admin, body: ByteBuffer(string: #"{"txt":"x"}"#))
            #expect(noText.status == .badRequest)
            #expect(String(buffer: noText.body).contains("text is missing"))
            let badMode = try await client.execute(
                uri: "/api/v1/bots/alpha/broadcasts", method: .post, headers: admin,
                body: ByteBuffer(string: #"{"text":"x","parse_mode":"BBCode"}"#))
            #expect(String(buffer: badMode.body).contains("parse_mode 'BBCode' is unknown"))
            let null = try await client.execute(
                uri: "/api/v1/bots/alpha/broadcasts", method: .post, headers: admin,
                body: ByteBuffer(string: #"{"text":"x","filter":{"languages":null}}"#))
            #expect(null.status == .badRequest)
            #expect(String(buffer: null.body).contains("filter.languages should be"))
            let badLimit = try await client.execute(uri: "/api/v1/bots/alpha/dead-letters?limit=0", method: .get, headers: admin)
            #expect(badLimit.status == .badRequest)
            let badID = try await client.execute(uri: "/api/v1/bots/alpha/broadcasts/abc", method: .get, headers: admin)
            #expect(badID.status == .badRequest)
            let missing = try await client.execute(uri: "/api/v1/bots/alpha/broadcasts/999", method: .get, headers: admin)
            #expect(missing.status == .notFound)

            let invalid = try await client.execute(
                uri: "/api/v1/manifests/validate?file=x.yaml", method: .post, headers: admin,
                body: ByteBuffer(string: "plugns: [echo]\n"))
            #expect(invalid.status == .ok)
            let body = String(buffer: invalid.body)
            #expect(body.contains(#""valid":false"#))
            #expect(body.contains("did you mean 'plugins'?"))
            let badName = try await client.execute(
                uri: "/api/v1/manifests/validate?file=../etc.yaml", method: .post, headers: admin, body: ByteBuffer(string: "x"))
            #expect(badName.status == .badRequest)
        }
    }

    @Test("repeated failed authentication from one address is answered 429 with Retry-After; a valid token still works")
    func failedAuthIsRateLimited() async throws {
        let host = try await HTTPTestHost.start(limiter: FailedAuthLimiter(burst: 3, interval: .seconds(60)))
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            for _ in 0..<3 {
                let response = try await client.execute(
                    uri: "/api/v1/bots", method: .get, headers: [.authorization: "Bearer guess"])
                #expect(response.status == .unauthorized)
            }
            let limited = try await client.execute(
                uri: "/api/v1/bots", method: .get, headers: [.authorization: "Bearer guess"])
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            // Issue #14.10: the limit never locks out a valid token.
            let valid = try await client.execute(
                uri: "/api/v1/bots", method: .get, headers: [.authorization: "Bearer \(HTTPTestHost.adminToken)"])
            #expect(valid.status == .ok)
        }
    }

    @Test("after a reload removes a bot, /metrics no longer shows its queue depths")
    func removedBotLeavesMetrics() async throws {
        var started = try await HTTPTestHost.start()
        // Every scrape renders anew here; the one-second reuse is ScrapeCacheTests' subject.
        started.surface.metricsReuse = .zero
        let host = started
        defer { Task { await host.stop() } }
        let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)"]
        try await host.withClient { client in
            let before = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(before.contains(#"aviary_inbox_depth{bot="beta"} 0"#))
            try host.sandbox.removeManifest("beta")
            let reload = try await client.execute(uri: "/api/v1/reload", method: .post, headers: admin)
            #expect(String(buffer: reload.body).contains(#""stopped":["beta"]"#))
            let after = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(!after.contains(#"aviary_inbox_depth{bot="beta"}"#))
            #expect(after.contains(#"aviary_inbox_depth{bot="alpha"} 0"#))
        }
    }
}
