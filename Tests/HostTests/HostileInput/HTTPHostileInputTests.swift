import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import PropertyBased
import Tenant
import Testing
@testable import Host

/// Hostile input through the management API and the dashboard: numbers and ids from outside
/// never reach arithmetic that traps, and every refusal is a 4xx that names the field.
@Suite("Hostile input: management API and dashboard", .serialized, .timeLimit(.minutes(5)))
struct HTTPHostileInputTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)"]
    static let json: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]

    /// Numbers as an outsider may write them in a path, a query or a form: any Int64, too many
    /// digits, signs, blanks, other notations and plain junk.
    static let numberText = Gen.oneOf(
        Gen.int64().map { String($0) },
        Gen.number.string(of: 19...40),
        Gen.number.string(of: 1...30).map { "-" + $0 },
        Gen<String?>.element(of: [
            "0", "-0", "+1", " 1", "1 ", "1e9", "0x10", "1.5", "", "NaN", "٣", "9007199254740991", "9007199254740992",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        ]).map { $0! },
        Gen.ascii.string(of: 0...12))

    /// Numbers as JSON may carry them: any Int64, too many digits, fractions and exponents. (A
    /// number beyond a Double, such as 1e400, makes the whole body invalid JSON to the decoder:
    /// still a 400, but one that cannot name the field; ``hugeExponent()`` checks it.)
    static let numberJSON = Gen.oneOf(
        Gen.int64().map { String($0) },
        Gen.number.string(of: 19...40).map { "1" + $0 },
        Gen.number.string(of: 1...30).map { "-1" + $0 },
        Gen<String?>.element(of: ["0", "-1", "1.5", "1e3", "1e-3", "9007199254740991", "9007199254740992"]).map { $0! })

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    /// The answer's problem detail (or page text).
    static func detail(_ response: TestResponse) -> String {
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
        return json?["detail"] as? String ?? String(buffer: response.body)
    }

    /// Checks an answer to hostile input: never a server error; a 400 names `field`.
    static func expectRefusalNames(_ field: String, _ response: TestResponse, _ input: String) {
        #expect(response.status.code < 500, "\(field)=\(input): \(response.status.code) \(detail(response))")
        if response.status == .badRequest {
            #expect(detail(response).contains(field), "\(field)=\(input): \(detail(response))")
        }
    }

    @Test("any number through every sandbox and API route that takes one: 2xx, 404 or a 400 naming the field")
    func numbersThroughTheAPI() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            // Person 5 has a conversation, so reading it never waits.
            _ = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"user_id":5,"text":"hi"}"#))
            await propertyCheck(count: 150, input: Self.numberText, Self.numberJSON) { text, number in
                let path = Self.escaped(text)
                let chat = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/chats/\(path)", method: .get, headers: Self.admin)
                Self.expectRefusalNames("user_id", chat, text)
                if chat.status == .ok { #expect(Int64(text).map(SandboxLimits.userIDs.contains) == true, "\(text)") }
                for query in ["after", "wait"] {
                    let other = query == "after" ? "wait=0" : "after=0"
                    let answer = try await client.execute(
                        uri: "/api/v1/bots/gamma/sandbox/chats/5?\(query)=\(path)&\(other)", method: .get, headers: Self.admin)
                    Self.expectRefusalNames(query, answer, text)
                }
                let sent = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"user_id":\#(number),"text":"hi"}"#))
                Self.expectRefusalNames("user_id", sent, number)
                let pressed = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/presses", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"user_id":5,"message_id":\#(number),"data":"x"}"#))
                Self.expectRefusalNames("message_id", pressed, number)
                #expect(pressed.status != .accepted)
                let limit = try await client.execute(
                    uri: "/api/v1/bots/alpha/dead-letters?limit=\(path)", method: .get, headers: Self.admin)
                Self.expectRefusalNames("limit", limit, text)
                let broadcast = try await client.execute(
                    uri: "/api/v1/bots/alpha/broadcasts/\(path)", method: .get, headers: Self.admin)
                Self.expectRefusalNames("broadcast_id", broadcast, text)
                let retry = try await client.execute(
                    uri: "/api/v1/bots/alpha/dead-letters/retry", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"ids":[\#(number)]}"#))
                Self.expectRefusalNames("ids", retry, number)
            }
        }
    }

    @Test("a number beyond a Double is a 400, not a crash")
    func hugeExponent() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let answer = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"user_id":1e400,"text":"hi"}"#))
            #expect(answer.status == .badRequest)
        }
    }

    @Test("any number through the dashboard's chat pane: a page, or a 400 naming the field")
    func numbersThroughTheDashboard() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let signedIn = browser
            await propertyCheck(count: 150, input: Self.numberText) { text in
                let page = try await signedIn.get("/chat?bot=gamma&user=\(Self.escaped(text))", accept: "application/json")
                Self.expectRefusalNames("user", page, text)
                let sent = try await signedIn.post(
                    "/chat/gamma/messages", ["user_id": text, "text": "hi"], accept: "application/json")
                Self.expectRefusalNames("user_id", sent, text)
                let pressed = try await signedIn.post(
                    "/chat/gamma/presses", ["user_id": "5", "message_id": text, "data": "x"], accept: "application/json")
                Self.expectRefusalNames("message_id", pressed, text)
                let conversation = try await signedIn.get(
                    "/chat/gamma/conversations/\(Self.escaped(text))", accept: "application/json")
                Self.expectRefusalNames("user_id", conversation, text)
            }
        }
    }

    @Test("issue #14.3: a person with the largest id, then someone new in the chat pane: no crash, a fresh id")
    func newPersonAfterTheLargestID() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let refused = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"user_id":9223372036854775807,"text":"hi"}"#))
            #expect(refused.status == .badRequest)
            #expect(Self.detail(refused).contains("user_id must be a whole number from 1 to 9007199254740991"))
            // The largest id the API lets in, written straight into the sandbox.
            let sandbox = try #require(host.supervisor.sandboxes["gamma"])
            _ = try sandbox.userWrites("hi", as: User(id: SandboxLimits.userIDs.upperBound, firstName: "Max"))
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let page = try await browser.get("/chat?bot=gamma&user=new")
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains(#"data-user="1""#))
        }
    }

    @Test("a new person's id is always in range and free, whatever ids are taken")
    func newPersonID() async {
        let ids = Gen.oneOf(
            Gen.int64(),
            Gen.int64(in: SandboxLimits.userIDs),
            Gen.int64(in: (SandboxLimits.userIDs.upperBound - 3)...SandboxLimits.userIDs.upperBound),
            Gen.int64(in: 1...5))
        await propertyCheck(count: 300, input: ids.array(of: 0...40)) { taken in
            let people = taken.map { User(id: $0, firstName: "P") }
            let id = Dashboard.newPersonID(among: people)
            #expect(SandboxLimits.userIDs.contains(id))
            #expect(!taken.contains(id))
        }
    }

    @Test("issue #14.11: names, language codes and press data beyond their caps are refused naming the field")
    func sandboxTextCaps() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let cases = Gen.oneOf(
            Gen.letterOrNumber.string(of: 65...300).map { ("first_name", #"{"user_id":5,"first_name":"\#($0)","text":"hi"}"#) },
            Gen.always(("first_name", #"{"user_id":5,"first_name":"","text":"hi"}"#)),
            Gen.letterOrNumber.string(of: 36...300).map { ("language_code", #"{"user_id":5,"language_code":"\#($0)","text":"hi"}"#) },
            Gen.lowercaseLetter.string(of: 1...5).map { ("language_code", #"{"user_id":5,"language_code":"\#($0) !","text":"hi"}"#) },
            Gen.letterOrNumber.string(of: 65...300).map { ("data", #"{"user_id":5,"message_id":1,"data":"\#($0)"}"#) })
        try await host.withClient { client in
            await propertyCheck(count: 100, input: cases) { field, body in
                let route = field == "data" ? "presses" : "messages"
                let answer = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/\(route)", method: .post, headers: Self.json,
                    body: ByteBuffer(string: body))
                #expect(answer.status == .badRequest, "\(body.prefix(80))")
                #expect(Self.detail(answer).hasPrefix(field), "\(Self.detail(answer))")
            }
            let fine = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"user_id":6,"first_name":"\#(String(repeating: "ж", count: 64))","language_code":"pt-BR","text":"hi"}"#))
            #expect(fine.status == .accepted)
        }
    }

    @Test("issue #14.11: a sandbox bot talks with at most 1,000 people; the next new one is 429 naming user_id")
    func peopleCap() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let sandbox = try #require(host.supervisor.sandboxes["gamma"])
        for id in 1...Int64(SandboxLimits.people) { _ = try sandbox.userWrites("hi", as: User(id: 10_000 + id, firstName: "P")) }
        try await host.withClient { client in
            let refused = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"user_id":5,"text":"hi"}"#))
            #expect(refused.status == .tooManyRequests)
            #expect(Self.detail(refused).contains("user_id") && Self.detail(refused).contains("1000"))
            let known = try await client.execute(
                uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"user_id":10001,"text":"hi"}"#))
            #expect(known.status == .accepted)
        }
    }

    @Test("issue #14.13: every answer, JSON, problem or page, carries no-store and nosniff")
    func securityHeaders() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let calls: [(String, HTTPRequest.Method, HTTPFields, String?)] = [
                ("/api/v1/bots", .get, Self.admin, nil),
                ("/api/v1/bots", .get, [:], nil),
                ("/api/v1/bots/nobody", .get, Self.admin, nil),
                ("/api/v1/nothing-here", .get, Self.admin, nil),
                ("/api/v1/bots/gamma/sandbox/chats/5", .get, Self.admin, nil),
                ("/api/v1/bots/gamma/sandbox/messages", .post, Self.json, #"{"user_id":0,"text":"x"}"#),
                ("/api/v1/bots/gamma/sandbox/messages", .post, Self.json, #"{"user_id":5,"text":"x"}"#),
                ("/api/v1/openapi.yaml", .get, [:], nil),
                ("/api/v1/remote-plugin-protocol.yaml", .get, [:], nil),
                ("/webhook/alpha", .post, [:], "{}"),
                ("/login", .get, [:], nil),
                ("/healthz", .get, [:], nil),
            ]
            for (uri, method, headers, body) in calls {
                let answer = try await client.execute(
                    uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                #expect(answer.headers[.cacheControl] == "no-store", "\(method) \(uri)")
                #expect(answer.headers[SecurityHeadersMiddleware.contentTypeOptions] == "nosniff", "\(method) \(uri)")
            }
            let script = try await client.execute(uri: "/assets/dashboard.js", method: .get)
            #expect(script.headers[.cacheControl] == "public, max-age=300")
        }
    }

    @Test("bodies larger than their route takes are 413 before anything reads them")
    func bodyLimits() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let cases: [(String, Int)] = [
                ("/api/v1/bots/gamma/sandbox/messages", BodyLimitMiddleware.apiBody + 1),
                ("/webhook/alpha", WebhookRoute.maximumBody + 1),
                ("/login", BodyLimitMiddleware.otherBody + 1),
            ]
            for (uri, size) in cases {
                var headers = Self.json
                headers[.contentLength] = "\(size)"
                let answer = try await client.execute(
                    uri: uri, method: .post, headers: headers, body: ByteBuffer(repeating: UInt8(ascii: " "), count: size))
                #expect(answer.status == .contentTooLarge, "\(uri)")
            }
        }
    }
}
