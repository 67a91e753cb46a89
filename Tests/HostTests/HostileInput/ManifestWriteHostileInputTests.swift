import FakeBotAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PropertyBased
import Testing
@testable import Host

/// Manifest writes, `If-Match` and audit queries as hostile input: each test is a class of
/// input with many generated members, sent by the callers that could abuse it.
@Suite("Manifest write API hostile input", .serialized, .timeLimit(.minutes(10)))
struct ManifestWriteHostileInputTests {
    typealias Call = ManifestAPITests

    /// What a secret file holds, so that any answer quoting it is caught.
    static let canary = "7777:" + String(repeating: "C", count: 35)

    /// Starts the host with a canary secret beside where the brand's own would go.
    static func host() async throws -> HTTPTestHost {
        let host = try await HTTPTestHost.start()
        let secrets = host.sandbox.dataDirectory + "/secrets"
        try FileManager.default.createDirectory(atPath: secrets, withIntermediateDirectories: true)
        try (canary + "\n").write(toFile: secrets + "/alpha.token", atomically: true, encoding: .utf8)
        return host
    }

    /// Pieces of YAML, manifest keys and values, in any order.
    static let yaml = Gen.element(of: [
        "id: zeta\n", "brand: han\n", "brand: lumen\n", "platform: sandbox\n", "platform: telegram\n",
        "plugins: [echo]\n",
        "plugins:\n  - echo\n", "token: \(canary)\n", "token_file: /etc/passwd\n", "database: ../x.sqlite\n",
        "name: ${HOME}\n",
        "enabled: false\n", "[", "]", "{", "}", ",", "&a ", "*a", "'", "\"", "|", "# c", "- ", "? ", "---\n", "\u{0}",
        "é",
        "~", "\n", "  ", ":", "<<: *a\n",
    ]).compactMap { $0 }.array(of: 0...30).map { $0.joined() }

    @Test("any text as a new brand bot: 201, 400, 409 or 422, never a server error, never a secret echoed")
    func anyBody() async throws {
        let host = try await Self.host()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            await propertyCheck(count: 200, input: Self.yaml) { text in
                guard !text.isEmpty else { return }
                let answer = try await Call.call(
                    client,
                    .put,
                    "/api/v1/bots/zeta/manifest",
                    as: HTTPTestHost.hanToken,
                    body: text
                )
                #expect([.created, .badRequest, .conflict, .unprocessableContent].contains(answer.status), "\(text)")
                #expect(!answer.body.contains(Self.canary), "\(text) → \(answer.body)")
                if answer.status == .created {
                    let stored = try String(contentsOfFile: host.sandbox.botsDirectory + "/zeta.yaml", encoding: .utf8)
                    #expect(!stored.contains(Self.canary), "\(stored)")
                    #expect(!stored.contains("${"), "\(stored)")
                    let deleted = try await Call.call(
                        client,
                        .delete,
                        "/api/v1/bots/zeta/manifest",
                        as: HTTPTestHost.hanToken
                    )
                    #expect(deleted.status == .ok)
                }
            }
        }
    }

    @Test("alias bombs of any depth and width, and bodies over 256 KiB, are refused and write nothing")
    func bombsAndSizes() async throws {
        let host = try await Self.host()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let input = zip(Gen.int(in: 1...9), Gen.int(in: 2...12))
            await propertyCheck(count: 40, input: input) { depth, width in
                var lines = ["id: zeta", "l0: &l0 [x, x]"]
                for level in 1...depth {
                    lines.append(
                        "l\(level): &l\(level) ["
                            + Array(repeating: "*l\(level - 1)", count: width).joined(separator: ",") + "]"
                    )
                }
                let answer = try await Call.call(
                    client,
                    .put,
                    "/api/v1/bots/zeta/manifest",
                    as: HTTPTestHost.hanToken,
                    body: lines.joined(separator: "\n")
                )
                #expect(answer.status == .badRequest, "\(answer.body)")
                #expect(answer.body.contains("YAML aliases are not allowed"), "\(answer.body)")
            }
            await propertyCheck(count: 5, input: Gen.int(in: 1...40_000)) { extra in
                let body = "name: \"" + String(repeating: "n", count: 262_144 + extra) + "\"\n"
                let answer = try await Call.call(
                    client,
                    .put,
                    "/api/v1/bots/zeta/manifest",
                    as: HTTPTestHost.hanToken,
                    body: body
                )
                #expect(answer.status == .contentTooLarge)
            }
            #expect(!FileManager.default.fileExists(atPath: host.sandbox.botsDirectory + "/zeta.yaml"))
        }
    }

    /// Paths a brand might try for `token_file`: traversal, other bots' secrets, the host's files.
    static let paths = Gen.element(of: [
        "..", ".", "/", "secrets", "alpha.token", "zeta.token", "data", "etc", "passwd", "%2e%2e", "//", "bots.d",
        "zeta.token/..", "~",
    ]).compactMap { $0 }.array(of: 1...8).map { $0.joined(separator: "/") }

    @Test("a brand's token_file: anything but its bot's own secret file is refused unread")
    func tokenFileTraversal() async throws {
        let host = try await Self.host()
        defer { Task { await host.stop() } }
        let own = URL(fileURLWithPath: host.sandbox.dataDirectory + "/secrets/zeta.token").standardizedFileURL.path
        let secrets = (own as NSString).deletingLastPathComponent
        try await host.withClient { client in
            await propertyCheck(count: 200, input: Self.paths, Gen.bool) { path, absolute in
                let written = absolute ? secrets + "/" + path : path
                let body = "brand: han\nplatform: telegram\ntoken_file: \"\(written)\"\nplugins: [echo]\n"
                let answer = try await Call.call(
                    client,
                    .put,
                    "/api/v1/bots/zeta/manifest",
                    as: HTTPTestHost.hanToken,
                    body: body
                )
                #expect(answer.status == .unprocessableContent, "\(written): \(answer.body)")
                #expect(!answer.body.contains(Self.canary), "\(written): \(answer.body)")
                if written != own {
                    #expect(answer.body.contains("brand callers cannot use token_file"), "\(written): \(answer.body)")
                }
            }
        }
    }

    @Test(
        "any token the admin writes is stored in secrets/ and never appears in a manifest, an answer or the audit log"
    )
    func tokensAreNeverEchoed() async throws {
        let host = try await Self.host()
        defer { Task { await host.stop() } }
        let alphabet = Gen.element(of: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"))
            .compactMap { $0 }
        let tokens = zip(Gen.int(in: 1...9_999_999), alphabet.array(of: 35...46)).map { "\($0):\(String($1))" }
        try await host.withClient { client in
            await propertyCheck(count: 15, input: tokens, Gen.bool) { token, quoted in
                let value = quoted ? "\"\(token)\"" : token
                let body = "brand: han\ntoken: \(value)\ntelegram:\n  api_url: \(host.fake.baseURL)\nplugins: [echo]\n"
                let created = try await Call.call(
                    client,
                    .put,
                    "/api/v1/bots/zeta/manifest",
                    as: HTTPTestHost.adminToken,
                    body: body
                )
                #expect(created.status == .created, "\(created.body)")
                let stored = try String(contentsOfFile: host.sandbox.botsDirectory + "/zeta.yaml", encoding: .utf8)
                var seen = [created.body, stored]
                for path in [
                    "/api/v1/bots/zeta/manifest", "/api/v1/bots/zeta", "/api/v1/audit?bot=zeta", "/api/v1/bots",
                ] {
                    seen.append(try await Call.call(client, .get, path, as: HTTPTestHost.adminToken).body)
                }
                seen.append(
                    try await Call.call(client, .delete, "/api/v1/bots/zeta/manifest", as: HTTPTestHost.adminToken).body
                )
                for text in seen {
                    #expect(!text.contains(token), "\(text)")
                }
            }
        }
    }

    /// `If-Match` values: quoted and unquoted tags, weak tags, lists, stars in odd places.
    static let entityTags = Gen.element(of: [
        "\"", "W/", "*", ",", " ", "0", "f", "abc", "\"\"", "0123456789abcdef0123456789abcdef", "x*",
    ]).compactMap { $0 }.array(of: 1...12).map { $0.joined() }

    @Test("any If-Match but the current tag or * is 412, and writes nothing")
    func entityTagsMustMatch() async throws {
        let host = try await Self.host()
        defer { Task { await host.stop() } }
        let file = host.sandbox.botsDirectory + "/alpha.yaml"
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        try await host.withClient { client in
            let read = try await Call.call(client, .get, "/api/v1/bots/alpha/manifest", as: HTTPTestHost.hanToken)
            let current = try #require(read.headers[.eTag])
            let edited = read.body.replacingOccurrences(of: "name: alpha bot", with: "name: Alpha")
            await propertyCheck(count: 300, input: Self.entityTags) { tag in
                let listed = tag.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard !listed.contains("*"), !listed.contains(current) else { return }
                for (method, path, body) in [
                    (HTTPRequest.Method.put, "/api/v1/bots/alpha/manifest", edited as String?),
                    (.delete, "/api/v1/bots/alpha/manifest", nil), (.post, "/api/v1/bots/alpha/disable", nil),
                ] {
                    let answer = try await Call.call(
                        client,
                        method,
                        path,
                        as: HTTPTestHost.hanToken,
                        body: body,
                        ifMatch: tag
                    )
                    #expect(answer.status == .preconditionFailed, "\(method) \(tag): \(answer.body)")
                }
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        }
    }

    /// Query values: numbers of any size, dates and not-dates, long and odd strings.
    static let queryValues = Gen.element(of: [
        "0", "1", "-1", "500", "501", "9223372036854775807", "9223372036854775808", "2026-11-25T09:00:00Z",
        "2026-13-45T99:00:00Z", "han", "lumen", "alpha", "%00", "%27", "'", "x", String(repeating: "z", count: 300),
        "", "%20",
    ]).compactMap { $0 }.array(of: 1...3).map { $0.joined() }

    @Test("any audit query: 200 or a 400 naming the parameter; a brand reads only its own brand's records")
    func auditQueries() async throws {
        let host = try await Self.host()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            for token in [HTTPTestHost.hanToken, HTTPTestHost.lumenToken] {
                for bot in ["alpha", "beta"] {
                    _ = try await Call.call(client, .post, "/api/v1/bots/\(bot)/restart", as: token)
                }
            }
            let names = Gen.element(of: ["bot", "brand", "since", "before", "limit"]).compactMap { $0 }
            await propertyCheck(count: 300, input: zip(names, Self.queryValues).array(of: 1...4)) { pairs in
                let query = pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
                for (token, brand) in [(HTTPTestHost.hanToken, "han"), (HTTPTestHost.lumenToken, "lumen")] {
                    let answer = try await Call.call(client, .get, "/api/v1/audit?\(query)", as: token)
                    #expect([.ok, .badRequest].contains(answer.status), "\(query): \(answer.body)")
                    if answer.status == .badRequest {
                        let named = pairs.contains { answer.body.contains($0.0) }
                        #expect(named, "\(query): \(answer.body)")
                    }
                    for record in answer.json["records"] as? [[String: Any]] ?? [] {
                        #expect(record["brand"] as? String == brand, "\(query): \(record)")
                    }
                }
            }
        }
    }

    @Test("a brand sending back any masked credential, at any depth, gets an error at its line and nothing is written")
    func maskedCredentialsFromBrands() async throws {
        let host = try await Self.host()
        defer { Task { await host.stop() } }
        let keys = Gen.element(of: ["token", "api_key", "secret", "password", "webhook_secret", "apikey", "key"])
            .compactMap { $0 }
        let masks = Gen.element(of: ["***", "1:***", "4101:***", "999999:***"]).compactMap { $0 }
        try await host.withClient { client in
            await propertyCheck(count: 100, input: keys, masks, Gen.int(in: 0...3)) { key, mask, depth in
                var lines = ["brand: han", "platform: sandbox", "plugins:", "  - replies:"]
                var indent = "      "
                for level in 0..<depth {
                    lines.append("\(indent)level\(level):")
                    indent += "  "
                }
                lines.append("\(indent)\(key): \"\(mask)\"")
                let answer = try await Call.call(
                    client,
                    .put,
                    "/api/v1/bots/zeta/manifest",
                    as: HTTPTestHost.hanToken,
                    body: lines.joined(separator: "\n") + "\n"
                )
                #expect(answer.status == .unprocessableContent, "\(lines)")
                let first = (answer.json["errors"] as? [[String: Any]])?.first
                #expect(first?["line"] as? Int == lines.count, "\(answer.body)")
                #expect((first?["message"] as? String)?.hasPrefix("holds a masked value") == true, "\(answer.body)")
            }
            #expect(!FileManager.default.fileExists(atPath: host.sandbox.botsDirectory + "/zeta.yaml"))
        }
    }

    /// Brand values: other brands, case and invisible-character variants of the caller's, empty, lists and mappings.
    static let brands = Gen.element(of: [
        "lumen", "HAN", "Han", "han\u{200b}", "\"\"", "~", "[han]", "{b: han}", "hän", "han2", "'han'x",
    ]).compactMap { $0 }

    @Test("a brand writing any other brand (or none), for a new bot or its own, gets an error and writes nothing")
    func otherBrands() async throws {
        let host = try await Self.host()
        defer { Task { await host.stop() } }
        let alphaFile = host.sandbox.botsDirectory + "/alpha.yaml"
        let alphaBefore = try Data(contentsOf: URL(fileURLWithPath: alphaFile))
        try await host.withClient { client in
            await propertyCheck(count: 100, input: Self.brands, Gen.bool, Gen.bool) { brand, omit, existing in
                let id = existing ? "alpha" : "zeta"
                let line = omit ? "" : "brand: \(brand)\n"
                let body = "id: \(id)\n\(line)platform: sandbox\nplugins: [echo]\n"
                let answer = try await Call.call(
                    client,
                    .put,
                    "/api/v1/bots/\(id)/manifest",
                    as: HTTPTestHost.hanToken,
                    body: body,
                    ifMatch: existing ? "*" : nil
                )
                #expect([.badRequest, .unprocessableContent].contains(answer.status), "\(body): \(answer.body)")
                #expect(!FileManager.default.fileExists(atPath: host.sandbox.botsDirectory + "/zeta.yaml"))
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: alphaFile)) == alphaBefore)
    }
}
