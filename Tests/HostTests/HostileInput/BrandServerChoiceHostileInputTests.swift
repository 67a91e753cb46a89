import Foundation
import HTTPTypes
import Logging
import PropertyBased
import Testing
@testable import Host

/// The servers a brand's manifest may send the host to, over generated addresses: a manifest
/// written with a brand token may name Telegram's own Bot API and the servers the host config
/// lists (`telegram.brand_api_urls`), and no homeserver at all (the application service's token
/// acts for every brand's Matrix bots). Addresses that merely look like an allowed one (another
/// host that starts or ends with its name, user info, another scheme, port or path) are
/// refused; the admin's manifests may name any http(s) server. And no two bots act as one
/// Matrix user, whoever wrote them.
@Suite("Hostile input: servers and identities a manifest claims", .timeLimit(.minutes(2)))
struct BrandServerChoiceHostileInputTests {
    static let label = Gen.element(of: Array("abcdefghijklmnopqrstuvwxyz0123456789-")).map { $0! }.array(of: 1...12)
        .map { String($0) }

    /// An address that is not Telegram's Bot API but may resemble it.
    static let otherServer = zip(
        Gen.element(of: ["http", "https", "HTTPS"]).map { $0! },
        Gen.element(of: [
            "127.0.0.1", "169.254.169.254", "localhost", "[::1]", "10.0.0.7",
            "api.telegram.org.%@", "%@.api.telegram.org", "user@%@", "api.telegram.org@%@",
            "%@", "api-telegram.org", "api.telegram.com",
        ]).map { $0! },
        label,
        Gen.element(of: ["", ":8081", ":443", ":80"]).map { $0! },
        Gen.element(of: ["", "/", "/bot", "/api.telegram.org"]).map { $0! }
    ).map { scheme, host, name, port, path in
        // The listed server itself is allowed: keep only its look-alikes (another path).
        let isListed = scheme.lowercased() == "http" && host == "127.0.0.1" && port == ":8081" && path.count < 2
        return "\(scheme)://\(host.replacingOccurrences(of: "%@", with: name))\(port)\(isListed ? "/v2" : path)"
    }

    static func manifest(apiURL: String? = nil, homeserver: String? = nil) -> String {
        if let homeserver {
            return "brand: han\nplatform: matrix\nmatrix:\n  localpart: aviary_han\n"
                + "  homeserver_url: '\(homeserver)'\nplugins: [echo]\n"
        }
        return "brand: han\ntoken: \(ManifestTokens.first)\n"
            + (apiURL.map { "telegram:\n  api_url: '\($0)'\n" } ?? "") + "plugins: [echo]\n"
    }

    /// A local Bot API server the host config lists for brands.
    static let listed = URL(string: "http://127.0.0.1:8081")!

    static func errors(_ yaml: String, _ source: ManifestSource) -> [String] {
        let loader = ManifestLoader(
            registry: .builtIn(), environment: [:],
            brandBotAPIServers: LiveBrandBotAPIServers(BrandBotAPIServers(listed: [listed])))
        guard case .failure(let failure) = loader.validate(yaml: yaml, fileName: "bot.yaml", source: source) else {
            return []
        }
        return failure.errors.map(\.description)
    }

    @Test("a brand's manifest naming any other Bot API server is refused, naming api_url; the admin's is not")
    func otherBotAPIServers() async {
        await propertyCheck(count: 300, input: Self.otherServer) { address in
            let brand = Self.errors(Self.manifest(apiURL: address), .brand)
            #expect(
                brand.contains {
                    $0.contains(
                        "telegram.api_url: brand callers may name only these Bot API servers: "
                            + "https://api.telegram.org, http://127.0.0.1:8081; remove api_url")
                },
                "\(address): \(brand)")
            #expect(
                !Self.errors(Self.manifest(apiURL: address), .host).contains { $0.contains("brand callers") },
                "\(address)")
        }
    }

    @Test("Telegram's own Bot API and the listed servers, written any of the ways they can be, are a brand's to name")
    func allowedServers() async {
        let spelling = zip(
            Gen.element(of: ["https://api.telegram.org", "https://api.telegram.org:443", "http://127.0.0.1:8081"]).map { $0! },
            Gen.bool.array(of: 30), Gen.bool
        ).map { address, upper, slash in
            let (scheme, rest) = (address.prefix { $0 != ":" }, address.drop { $0 != ":" })
            let cased = String(rest.enumerated().map { index, letter in
                upper[index % 30] ? Character(letter.uppercased()) : letter
            })
            return String(scheme) + cased + (slash ? "/" : "")
        }
        await propertyCheck(count: 100, input: spelling) { address in
            #expect(Self.errors(Self.manifest(apiURL: address), .brand).isEmpty, "\(address)")
        }
        #expect(Self.errors(Self.manifest(), .brand).isEmpty)
    }

    @Test("a brand's manifest naming any homeserver is refused, naming homeserver_url; the admin's is not")
    func homeservers() async {
        await propertyCheck(count: 200, input: Self.otherServer) { address in
            let brand = Self.errors(Self.manifest(homeserver: address), .brandOwned(tokenFile: "/x/secrets/a.token"))
            #expect(
                brand.contains { $0.contains("matrix.homeserver_url: brand callers cannot choose the homeserver") },
                "\(address): \(brand)")
            #expect(
                !Self.errors(Self.manifest(homeserver: address), .host).contains { $0.contains("brand callers") },
                "\(address)")
        }
    }

    @Test("manifests that share a Matrix user are all refused, each naming the others; the rest load")
    func sharedMatrixUsers() async throws {
        let picks = Gen.int(in: 0...5).array(of: 2...9)
        await propertyCheck(count: 40, input: picks) { picks in
            let folder = try ManifestFolder()
            for (index, pick) in picks.enumerated() {
                try folder.write(
                    "bot\(index).yaml", "platform: matrix\nmatrix:\n  localpart: aviary_\(pick)\nplugins: [echo]\n")
            }
            let scan = ManifestLoader(registry: .builtIn(), environment: [:]).scan(directory: folder.path)
            let shared = Set(picks.filter { pick in picks.count { $0 == pick } > 1 })
            #expect(
                Set(scan.bots.map(\.manifest.id)) == Set(picks.indices.filter { !shared.contains(picks[$0]) }.map { "bot\($0)" }))
            for (index, pick) in picks.enumerated() where shared.contains(pick) {
                let errors = scan.errors.filter { $0.file.hasSuffix("/bot\(index).yaml") }
                #expect(errors.count == picks.count { $0 == pick } - 1, "\(errors)")
                #expect(errors.allSatisfy {
                    $0.key == "matrix.localpart" && $0.line == 3
                        && $0.message.hasPrefix("the Matrix user 'aviary_\(pick)' is also used by ")
                })
            }
        }
    }

    @Test("through the API, a brand's Matrix bot must be a user of the brand's own namespace")
    func brandMatrixNamespace() async throws {
        let started = try await HTTPTestHost.start()
        defer { Task { await started.stop() } }
        var host = started
        let token = host.sandbox.root.appendingPathComponent("as.token").path
        try "as-token-0123456789".write(toFile: token, atomically: true, encoding: .utf8)
        let path = host.sandbox.root.appendingPathComponent("aviary.yaml").path
        let config = HostConfigReloadTests.config(["han": HTTPTestHost.hanToken]) + """
            matrix:
              id: aviary
              homeserver_url: http://127.0.0.1:9
              server_name: localhost
              as_token_file: \(token)
              hs_token_file: \(token)
              user_prefix: aviary_
              url: http://127.0.0.1:9

            """
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        host.surface.hostConfig = HostConfigReloader(
            path: path, initial: try HostConfig.load(path: path, environment: [:]), tokens: host.surface.tokens,
            sessions: host.surface.sessions, audit: host.surface.audit, logger: Logger(label: "test"),
            environment: ["AVIARY_ADMIN_TOKEN": HTTPTestHost.adminToken])
        let localpart = zip(
            Gen.element(of: ["aviary_", "aviary_han_", "aviary_lumen_", "aviary_ha", "aviary_hanx_", "han_", ""]).map { $0! },
            Self.label)
        try await host.withClient { client in
            await propertyCheck(count: 25, input: localpart) { prefix, name in
                let text = "brand: han\nplatform: matrix\nmatrix:\n  localpart: \(prefix)\(name)\nplugins: [echo]\n"
                let written = try await ManifestAPITests.call(
                    client, .put, "/api/v1/bots/m-\(name)/manifest", as: HTTPTestHost.hanToken, body: text)
                let refused = written.body.contains("a brand's Matrix bots are users named aviary_han_")
                #expect(refused == (prefix != "aviary_han_"), "\(prefix)\(name): \(written.body)")
                if refused { #expect(written.status == .unprocessableContent) }
            }
        }
    }

    @Test("a brand's companion may call only its brand's hosts; the admin's may call any, and offline none")
    func modelEndpoints() async {
        func errors(_ baseURL: String, _ source: ManifestSource, brands: [String: [String]]) -> [String] {
            let yaml = "brand: han\ntoken: \(ManifestTokens.first)\nplugins:\n"
                + "  - companion: { base_url: '\(baseURL)', model: m }\n"
            let loader = ManifestLoader(
                registry: .builtIn(), environment: [:],
                remotePolicy: LiveRemotePluginPolicy(RemotePluginPolicy(brands: brands)))
            guard case .failure(let failure) = loader.validate(yaml: yaml, fileName: "bot.yaml", source: source) else {
                return []
            }
            return failure.errors.map(\.description)
        }
        let listed = ["han": ["api.openai.com"]]
        await propertyCheck(count: 150, input: Self.otherServer) { address in
            let refused = errors(address, .brand, brands: listed)
            #expect(
                refused.contains { $0.contains("plugins[0].companion.base_url: brand 'han' may not call a model at ") },
                "\(address): \(refused)")
            #expect(
                errors(address, .brand, brands: [:]).contains { $0.contains("allows brand 'han' no hosts to call") })
            #expect(!errors(address, .host, brands: listed).contains { $0.contains("base_url") }, "\(address)")
        }
        #expect(errors("https://api.openai.com/v1", .brand, brands: listed).isEmpty)
        #expect(errors("offline", .brand, brands: [:]).isEmpty)
    }
}
