import FakeBotAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing
@testable import Host

/// `GET/PUT/DELETE /api/v1/bots/{id}/manifest`, enable and disable, and the audit log they
/// write, for every kind of caller.
@Suite("Manifests through the API", .serialized, .timeLimit(.minutes(5)))
struct ManifestAPITests {
    /// A call's status, headers and body text.
    struct Answer {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        /// The body as a JSON object.
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    static func call(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as token: String?,
        body: String? = nil,
        ifMatch: String? = nil
    ) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let ifMatch { headers[.ifMatch] = ifMatch }
        if body != nil { headers[.contentType] = "application/yaml" }
        let response = try await client.execute(
            uri: path,
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
        return Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    static let deltaToken = "4104:" + String(repeating: "d", count: 35)

    /// A new telegram bot of brand han, answering with echo.
    static func delta(_ host: HTTPTestHost, brand: String = "han", extra: String = "") -> String {
        host.fake.addBot(token: deltaToken, userID: 4104, username: "delta_bot")
        return HTTPTestHost.manifest(id: "delta", brand: brand, token: deltaToken, apiURL: host.fake.baseURL) + extra
    }

    @Test(
        "a brand creates, edits, disables, enables and deletes its bot; the token lives in secrets/, never in an answer"
    )
    func brandLifecycle() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let han = HTTPTestHost.hanToken
        let text = Self.delta(host)
        try await host.withClient { client in
            let created = try await Self.call(client, .put, "/api/v1/bots/delta/manifest", as: han, body: text)
            #expect(created.status == .created, "\(created.body)")
            #expect(created.json["outcome"] as? String == "started", "\(created.body)")
            let secret = host.sandbox.dataDirectory + "/secrets/delta.token"
            #expect(try String(contentsOfFile: secret, encoding: .utf8) == Self.deltaToken + "\n")
            let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let stored = try String(contentsOfFile: host.sandbox.botsDirectory + "/delta.yaml", encoding: .utf8)
            #expect(!stored.contains(Self.deltaToken))
            #expect(
                stored.contains("token_file: \"\(URL(fileURLWithPath: secret).standardizedFileURL.path)\""),
                "\(stored)"
            )
            #expect(stored.contains("poll_timeout: 1"), "the rest is kept as written: \(stored)")

            let read = try await Self.call(client, .get, "/api/v1/bots/delta/manifest", as: han)
            #expect(read.status == .ok)
            #expect(!read.body.contains(Self.deltaToken))
            let tag = try #require(read.headers[.eTag])

            let edited = read.body.replacingOccurrences(of: "name: delta bot", with: "name: Delta")
            let missing = try await Self.call(client, .put, "/api/v1/bots/delta/manifest", as: han, body: edited)
            #expect(missing.status == .preconditionRequired)
            let stale = try await Self.call(
                client,
                .put,
                "/api/v1/bots/delta/manifest",
                as: han,
                body: edited,
                ifMatch: "\"0000\""
            )
            #expect(stale.status == .preconditionFailed)
            let replaced = try await Self.call(
                client,
                .put,
                "/api/v1/bots/delta/manifest",
                as: han,
                body: edited,
                ifMatch: tag
            )
            #expect(replaced.status == .ok, "\(replaced.body)")
            #expect(replaced.json["outcome"] as? String == "restarted", "\(replaced.body)")
            #expect(
                (replaced.json["changes"] as? [String])?.contains("name: \"delta bot\" → \"Delta\"") == true,
                "\(replaced.body)"
            )
            let again = try await Self.call(
                client,
                .put,
                "/api/v1/bots/delta/manifest",
                as: han,
                body: edited,
                ifMatch: tag
            )
            #expect(again.status == .preconditionFailed, "the first write changed the tag")

            let disabled = try await Self.call(client, .post, "/api/v1/bots/delta/disable", as: han)
            #expect(disabled.json["outcome"] as? String == "stopped", "\(disabled.body)")
            let enabled = try await Self.call(client, .post, "/api/v1/bots/delta/enable", as: han)
            #expect(enabled.json["outcome"] as? String == "started", "\(enabled.body)")

            let deleted = try await Self.call(client, .delete, "/api/v1/bots/delta/manifest", as: han)
            #expect(deleted.json["outcome"] as? String == "stopped", "\(deleted.body)")
            #expect(!FileManager.default.fileExists(atPath: secret))
            #expect(!FileManager.default.fileExists(atPath: host.sandbox.botsDirectory + "/delta.yaml"))

            let audit = try await Self.call(client, .get, "/api/v1/audit?bot=delta", as: han)
            let actions = (audit.json["records"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            #expect(
                actions == [
                    "manifest.deleted", "manifest.enabled", "manifest.disabled", "manifest.edited", "manifest.created",
                ],
                "\(audit.body)"
            )
            #expect(!audit.body.contains(Self.deltaToken))
        }
    }

    @Test("another brand cannot read, take, edit or delete a brand's bot, nor see its audit records")
    func otherBrandsAreKeptOut() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let text = Self.delta(host)
        try await host.withClient { client in
            let lumen = HTTPTestHost.lumenToken
            #expect(
                try await Self.call(client, .put, "/api/v1/bots/delta/manifest", as: lumen, body: text).status
                    == .unprocessableContent
            )
            #expect(
                try await Self.call(client, .put, "/api/v1/bots/delta/manifest", as: HTTPTestHost.hanToken, body: text)
                    .status == .created
            )
            #expect(try await Self.call(client, .get, "/api/v1/bots/delta/manifest", as: lumen).status == .notFound)
            #expect(try await Self.call(client, .delete, "/api/v1/bots/delta/manifest", as: lumen).status == .notFound)
            #expect(try await Self.call(client, .post, "/api/v1/bots/delta/disable", as: lumen).status == .notFound)
            let taken = try await Self.call(
                client,
                .put,
                "/api/v1/bots/delta/manifest",
                as: lumen,
                body: text.replacingOccurrences(of: "brand: han", with: "brand: lumen")
            )
            #expect(taken.status == .conflict, "\(taken.body)")
            let moved = try await Self.call(
                client,
                .put,
                "/api/v1/bots/alpha/manifest",
                as: HTTPTestHost.hanToken,
                body: text.replacingOccurrences(of: "brand: han", with: "brand: lumen")
                    .replacingOccurrences(of: "id: delta", with: "id: alpha"),
                ifMatch: "*"
            )
            #expect(moved.status == .unprocessableContent, "\(moved.body)")
            #expect(moved.body.contains("set brand: han"), "\(moved.body)")
            let audit = try await Self.call(client, .get, "/api/v1/audit?brand=han", as: lumen)
            #expect((audit.json["records"] as? [Any])?.isEmpty == true, "\(audit.body)")
            let all = try await Self.call(client, .get, "/api/v1/audit", as: HTTPTestHost.adminToken)
            #expect((all.json["records"] as? [Any])?.count == 1, "\(all.body)")
            for token in [nil, "wrong-" + String(repeating: "w", count: 20)] {
                #expect(
                    try await Self.call(client, .get, "/api/v1/bots/delta/manifest", as: token).status == .unauthorized
                )
                #expect(try await Self.call(client, .get, "/api/v1/audit", as: token).status == .unauthorized)
            }
        }
    }

    @Test(
        "errors come back located by line; the admin's literal token goes to secrets/ as well; GET masks a hand-written token"
    )
    func errorsAndAdminSecrets() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let text = Self.delta(host, extra: "\nplugns: []\n")
        try await host.withClient { client in
            let admin = HTTPTestHost.adminToken
            let refused = try await Self.call(client, .put, "/api/v1/bots/delta/manifest", as: admin, body: text)
            #expect(refused.status == .unprocessableContent)
            let errors = refused.json["errors"] as? [[String: Any]]
            #expect(errors?.first?["line"] as? Int == text.split(separator: "\n").count, "\(refused.body)")
            #expect(errors?.first?["message"] as? String == "unknown key; did you mean 'plugins'?", "\(refused.body)")
            #expect(!FileManager.default.fileExists(atPath: host.sandbox.botsDirectory + "/delta.yaml"))

            let alpha = try await Self.call(client, .get, "/api/v1/bots/alpha/manifest", as: admin)
            let alphaToken = try #require(HTTPTestHost.bots["alpha"]?.1)
            #expect(!alpha.body.contains(alphaToken))
            #expect(alpha.body.contains("token: \"4101:***\""), "\(alpha.body)")
            let created = try await Self.call(
                client,
                .put,
                "/api/v1/bots/delta/manifest",
                as: admin,
                body: text.replacingOccurrences(of: "\nplugns: []\n", with: "")
            )
            #expect(created.status == .created, "\(created.body)")
            #expect(FileManager.default.fileExists(atPath: host.sandbox.dataDirectory + "/secrets/delta.token"))
        }
    }

    @Test("masked values sent back: the admin's keep the stored value, a brand's are errors at their line")
    func maskedValuesSentBack() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let admin = HTTPTestHost.adminToken
            let read = try await Self.call(client, .get, "/api/v1/bots/alpha/manifest", as: admin)
            let tag = try #require(read.headers[.eTag])
            let edited = read.body.replacingOccurrences(of: "name: alpha bot", with: "name: Alpha")
            let saved = try await Self.call(
                client,
                .put,
                "/api/v1/bots/alpha/manifest",
                as: admin,
                body: edited,
                ifMatch: tag
            )
            #expect(saved.status == .ok, "\(saved.body)")
            #expect(saved.json["outcome"] as? String == "restarted", "\(saved.body)")
            let secret = try String(
                contentsOfFile: host.sandbox.dataDirectory + "/secrets/alpha.token",
                encoding: .utf8
            )
            #expect(
                secret == (HTTPTestHost.bots["alpha"]?.1 ?? "") + "\n",
                "the stored token was kept, and moved to secrets/"
            )

            let brandText = "brand: han\nplatform: sandbox\nplugins:\n  - replies:\n      api_key: \"***\"\n"
            let refused = try await Self.call(
                client,
                .put,
                "/api/v1/bots/zeta/manifest",
                as: HTTPTestHost.hanToken,
                body: brandText
            )
            #expect(refused.status == .unprocessableContent)
            let error = (refused.json["errors"] as? [[String: Any]])?.first
            #expect(error?["line"] as? Int == 5, "\(refused.body)")
            #expect((error?["message"] as? String)?.hasPrefix("holds a masked value") == true, "\(refused.body)")
        }
    }

    @Test("no bot may use the host's own files as its database: host.sqlite (the audit log) or secrets/")
    func reservedDatabases() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let sandboxBot = "platform: sandbox\nplugins: [echo]\n"
            for (id, text, token) in [
                ("host", "brand: han\n" + sandboxBot, HTTPTestHost.hanToken),
                ("zeta", "database: HOST.sqlite\n" + sandboxBot, HTTPTestHost.adminToken),
                ("zeta", "database: secrets/zeta.token\n" + sandboxBot, HTTPTestHost.adminToken),
            ] {
                let answer = try await Self.call(client, .put, "/api/v1/bots/\(id)/manifest", as: token, body: text)
                #expect(answer.status == .unprocessableContent, "\(text)")
                #expect(answer.body.contains("one of the host's own files in --data-dir"), "\(answer.body)")
            }
        }
    }
}
