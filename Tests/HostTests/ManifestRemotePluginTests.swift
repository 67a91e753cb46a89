import Foundation
@testable import Host
import Plugins
import Tenant
import Testing
import Yams

@Suite("Manifest: remote plugins")
struct ManifestRemotePluginTests {
    static let secret = "manifest-remote-secret-0123456789"
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
        try folder.write("plugin.key", Self.secret + "\n")
    }

    /// A manifest whose plugins are `entries`, one a line from line 3, with `brand` if given.
    static func manifest(_ entries: [String], brand: String? = nil) -> String {
        (brand.map { "brand: \($0)\n" } ?? "") + "token: \(ManifestTokens.first)\nplugins:\n"
            + entries.map { "  - remote: {\($0)}\n" }.joined()
    }

    func errors(_ entries: [String], policy: RemotePluginPolicy = RemotePluginPolicy(), brand: String? = nil) throws
        -> [String]
    {
        let loader = ManifestLoader(
            registry: .builtIn(), environment: [:], remotePolicy: LiveRemotePluginPolicy(policy))
        switch loader.load(file: try folder.write("bot.yaml", Self.manifest(entries, brand: brand))) {
        case .success: return []
        case .failure(let failure): return failure.errors.map { folder.relative($0.description) }
        }
    }

    @Test("two remote plugins load side by side, each its own instance, their table migrated once")
    func twoRemotePlugins() throws {
        let yaml = Self.manifest([
            "name: horoscope, url: 'http://127.0.0.1:9100/hook', secret_file: plugin.key, timeout: 3s",
            "name: weather, url: 'https://plugins.example.com/w', secret_file: plugin.key, "
                + "interests: [message, callback]",
        ])
        let bot = try folder.load("bot.yaml", yaml).get()
        #expect(bot.plugins.map(\.instanceName) == ["remote:horoscope", "remote:weather"])
        #expect(bot.migrations.map(\.pluginName) == ["remote"])
        let weather = try #require(bot.plugins.last as? RemotePlugin)
        #expect(weather.interests == [.message, .callbackQuery])
        #expect(!"\(bot.manifest)".contains(Self.secret) && !"\(bot.plugins)".contains(Self.secret))
    }

    @Test("only http and https addresses with a host; names unique; settings in bounds")
    func settings() throws {
        let secret = "secret_file: plugin.key"
        #expect(
            try errors(["name: a, url: 'ftp://127.0.0.1/x', \(secret)"]) == [
                "bot.yaml:3: plugins[0].remote.url: expected an http:// or https:// address with a host "
                    + "(http://127.0.0.1:9100/hook)"
            ]
        )
        #expect(try errors(["name: a, url: 'http://user:pw@127.0.0.1/x', \(secret)"]).count == 1)
        #expect(
            try errors([
                "name: a, url: 'http://127.0.0.1/x', \(secret)", "name: a, url: 'http://127.0.0.1/y', \(secret)",
            ])
                == [
                    "bot.yaml:4: plugins[1]: plugin 'remote:a' is listed twice (also plugins[0]); list each plugin once"
                ]
        )
        #expect(
            try errors(["name: 'a b', url: 'http://127.0.0.1/x', \(secret)"]).first?.contains("remote.name") == true
        )
        #expect(
            try errors(["name: a, url: 'http://127.0.0.1/x', \(secret), timeout: 2h"]).first?
                .contains("'2h' is no duration") == true
        )
        #expect(
            try errors(["name: a, url: 'http://127.0.0.1/x', \(secret), timeout: 90s"]).first?
                .contains("from 100ms to 60s") == true
        )
        #expect(
            try errors(["name: a, url: 'http://127.0.0.1/x', \(secret), interests: [photos]"]).first?
                .contains("unknown update kind 'photos'") == true
        )
        #expect(try errors(["name: a, url: 'http://127.0.0.1/x', \(secret), on_failure: retry"]).count == 1)
        #expect(try errors(["name: a, url: 'http://127.0.0.1/x'"]).first?.contains("needs a signing secret") == true)
        #expect(
            try errors(["name: a, url: 'http://127.0.0.1/x', secret: short"]).first?
                .contains("shorter than 16 bytes") == true
        )
    }

    @Test("attempts × timeout plus the backoff may not outlast 60 s: the error names the plugin and the numbers")
    func callBudget() throws {
        let secret = "secret_file: plugin.key"
        #expect(
            try errors(["name: slow, url: 'http://127.0.0.1/x', \(secret), timeout: 20s, attempts: 4"]) == [
                "bot.yaml:3: plugins[0].remote.attempts: remote plugin 'slow' could hold an update for 4 × 20 s "
                    + "+ 1.4 s of backoff = 81.4 s, over the 60 s one update may wait on a remote plugin; "
                    + "lower attempts or timeout"
            ]
        )
        #expect(try errors(["name: a, url: 'http://127.0.0.1/x', \(secret), timeout: 60s, attempts: 1"]).isEmpty)
        #expect(try errors(["name: a, url: 'http://127.0.0.1/x', \(secret), timeout: 3s, attempts: 10"]).isEmpty)
        #expect(try errors(["name: a, url: 'http://127.0.0.1/x', \(secret), timeout: 5s, attempts: 10"]).count == 1)
    }

    @Test("several remote plugins together may not outlast 100 s of the 120 s an update has: the error names them")
    func combinedWait() throws {
        let entry = { (name: String) in
            "name: \(name), url: 'http://127.0.0.1/\(name)', secret_file: plugin.key, timeout: 10s, attempts: 3"
        }
        #expect(try errors(["a", "b", "c"].map(entry)).isEmpty, "3 × 30.6 s fit")
        let refused = try errors(["a", "b", "c", "d"].map(entry))
        #expect(
            refused.count == 1
                && refused[0].contains(
                    "plugins: the remote plugins 'a' 30.6 s + 'b' 30.6 s + 'c' 30.6 s + 'd' 30.6 s could together hold "
                        + "one update for 122.4 s, over the 100 s all remote plugins of a bot may take of the 120 s it "
                        + "gives an update; lower their attempts or timeout, or list fewer"),
            "\(refused)"
        )
        let defaults = (1...5).map { "name: p\($0), url: 'http://127.0.0.1/x', secret_file: plugin.key" }
        #expect(try errors(Array(defaults.prefix(4))).isEmpty, "4 plugins of the default 21.4 s fit")
        #expect(try errors(defaults).count == 1, "5 × 21.4 s do not")
    }

    @Test("a secret file is read again at every scan: one created (or rotated) after a refusal is taken at the next")
    func secretFileReadAgain() throws {
        let loader = ManifestLoader(registry: .builtIn(), environment: [:])
        let file = try folder.write(
            "bot.yaml", Self.manifest(["name: a, url: 'http://127.0.0.1/x', secret_file: later.key"]))
        guard case .failure(let missing) = loader.load(file: file) else {
            Issue.record("a manifest whose secret file is missing loaded")
            return
        }
        #expect(missing.errors.first?.description.contains("remote.secret_file: cannot read") == true)
        try folder.write("later.key", Self.secret + "\n")
        #expect(throws: Never.self) { try loader.load(file: file).get() }
    }

    @Test("the secret file is read like a token file, relative to the manifest, and never quoted")
    func secretFile() throws {
        try folder.write("short.key", "tiny\n")
        let missing = try errors(["name: a, url: 'http://127.0.0.1/x', secret_file: nothing.key"])
        #expect(missing.count == 1 && missing[0].contains("plugins[0].remote.secret_file: cannot read"))
        let short = try errors(["name: a, url: 'http://127.0.0.1/x', secret_file: short.key"])
        #expect(short.count == 1 && short[0].contains("fewer than 16 bytes") && !short[0].contains("tiny"))
        let folderAsFile = try errors(["name: a, url: 'http://127.0.0.1/x', secret_file: /dev/zero"])
        #expect(folderAsFile.count == 1 && folderAsFile[0].contains("not a regular file"))
    }

    @Test("the host config restricts the hosts: host-wide, per brand, and a brand's own manifests need its list")
    func allowedHosts() throws {
        let entry = { (url: String) in "name: a, url: '\(url)', secret_file: plugin.key" }
        let policy = RemotePluginPolicy(
            allowedHosts: ["127.0.0.1", "plugins.internal:9100"],
            brands: ["han": ["127.0.0.1"]]
        )
        #expect(try errors([entry("http://127.0.0.1:9100/x")], policy: policy).isEmpty)
        #expect(try errors([entry("http://plugins.internal:9100/x")], policy: policy).isEmpty)
        #expect(
            try errors([entry("http://plugins.internal:9200/x")], policy: policy) == [
                "bot.yaml:3: plugins[0].remote.url: the host config does not allow remote plugins at "
                    + "plugins.internal:9200 "
                    + "(remote_plugins.allowed_hosts); ask the host's admin"
            ]
        )
        #expect(
            try errors([entry("http://plugins.internal:9100/x")], policy: policy, brand: "han") == [
                "bot.yaml:4: plugins[0].remote.url: brand 'han' may not call remote plugins at plugins.internal:9100 "
                    + "(remote_plugins.brands.han); ask the host's admin"
            ]
        )
        let loader = ManifestLoader(
            registry: .builtIn(), environment: [:], remotePolicy: LiveRemotePluginPolicy(policy))
        func brandErrors(_ brand: String, _ entry: String) -> [String] {
            let yaml = Self.manifest([entry], brand: brand)
            guard case .failure(let failure) = loader.validate(yaml: yaml, fileName: "bot.yaml", source: .brand) else {
                return []
            }
            return failure.errors.map(\.description)
        }
        let inline = "name: a, url: 'http://127.0.0.1/x', secret: '\(Self.secret)'"
        #expect(brandErrors("han", inline).isEmpty)
        #expect(brandErrors("other", inline).contains { $0.contains("allows brand 'other' no hosts to call") })
        let fromFile = brandErrors("han", entry("http://127.0.0.1/x"))
        #expect(fromFile.contains { $0.contains("secret_file: brand callers cannot name the host's") })
        #expect(!fromFile.joined().contains("cannot read"), "a brand's secret_file is not read")
    }

    @Test("an inline secret is masked wherever a manifest is shown: the API's JSON and the editor's text")
    func inlineSecretMasked() throws {
        let yaml = Self.manifest(["name: a, url: 'http://127.0.0.1/x', secret: '\(Self.secret)'"])
        let masked = ManifestText.masked(yaml)
        #expect(!masked.contains(Self.secret) && masked.contains("secret: \"***\""), "\(masked)")
        let json = "\(JSONValue(try #require(try Yams.compose(yaml: yaml))))"
        #expect(!json.contains(Self.secret) && json.contains("***"), "\(json)")
    }

    @Test("the host config's remote_plugins section: hosts and brands, each entry checked")
    func hostConfig() throws {
        let good = try folder.write(
            "aviary.yaml",
            """
            remote_plugins:
              allowed_hosts: [127.0.0.1, "plugins.internal:9100"]
              brands: { han: [han.example.com] }
            """
        )
        let config = try HostConfig.load(path: good, environment: [:])
        #expect(
            config.remotePlugins
                == RemotePluginPolicy(
                    allowedHosts: ["127.0.0.1", "plugins.internal:9100"],
                    brands: ["han": ["han.example.com"]]
                )
        )
        let bad = try folder.write("bad.yaml", "remote_plugins:\n  allowed_hosts: ['http://x/']\n  brand: {}\n")
        do {
            _ = try HostConfig.load(path: bad, environment: [:])
            Issue.record("a bad remote_plugins section was accepted")
        } catch let error as HostConfigError {
            #expect(error.message.contains("remote_plugins.allowed_hosts: 'http://x/' is not a host"), "\(error)")
            #expect(error.message.contains("remote_plugins.brand: unknown key; did you mean 'brands'?"), "\(error)")
        }
    }
}
