import Foundation
@testable import Host
import Testing

@Suite("CheckCommand")
struct CheckCommandTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    func check(_ directory: String? = nil) -> CheckCommand.Report {
        var report = CheckCommand.check(botsDirectory: directory ?? folder.path, loader: ManifestTestPlugins.loader())
        report.lines = report.lines.map(folder.relative)
        return report
    }

    /// Tokens shaped like @BotFather's: 35 characters of 64, no pattern (``PlaceholderToken``).
    static let realLooking = ("123456:Zq7Lm2Pz9Rt4Vn8Bk3Jh6Wd1Fs5Gc0YaEuQ", "999:hT3_vK8-pW2xN9qR4mL7cZ1bJ6fY0sD5gAe")

    @Test("valid manifests: one line per bot, exit 0")
    func valid() throws {
        try folder.write("han-ru.yaml", "brand: han\ntoken: \(Self.realLooking.0)\nplugins: [echo, replies]\n")
        try folder.write("lumen.yaml", "enabled: false\ntoken: \(Self.realLooking.1)\nplugins: [quiet]\n")
        #expect(
            check()
                == CheckCommand.Report(
                    lines: [
                        "han-ru  telegram/polling  brand han  token 123456:***  plugins: echo, replies",
                        "lumen   telegram/polling  token 999:***  plugins: quiet  (disabled)",
                        "2 bots OK",
                    ],
                    exitCode: 0
                )
        )
    }

    @Test("any error: every error of every file, a count, exit 1")
    func errors() throws {
        try folder.write("good.yaml", "token: \(ManifestTokens.first)\nplugins: [echo]\n")
        try folder.write(
            "han-ru.yaml",
            "token: \(ManifestTokens.second)\nplugns: [echo]\ntelegram:\n  poll_timeout: 99\n"
        )
        try folder.write("lumen.yml", "token: ${LUMEN_TOKEN}\nplugins: [echo]\n")
        #expect(
            check()
                == CheckCommand.Report(
                    lines: [
                        "han-ru.yaml:2: plugns: unknown key; did you mean 'plugins'?",
                        "han-ru.yaml:4: telegram.poll_timeout: 99 is out of range; Telegram accepts 0 to 50 seconds",
                        "lumen.yml:1: token: LUMEN_TOKEN is not set; export it or use ${LUMEN_TOKEN:-default}",
                        "3 errors in 2 files",
                    ],
                    exitCode: 1
                )
        )
    }

    @Test("an empty or missing folder is an error")
    func emptyOrMissing() throws {
        #expect(
            check()
                == CheckCommand.Report(
                    lines: ["\(folder.path): no manifests (*.yaml, *.yml); add one or pass --bots-dir"],
                    exitCode: 1
                )
        )
        #expect(
            check(folder.path + "/missing")
                == CheckCommand.Report(
                    lines: [
                        "missing: cannot read the manifest folder; check that it exists or pass --bots-dir",
                        "1 error in 1 file",
                    ],
                    exitCode: 1
                )
        )
    }

    @Test("warnings: placeholder tokens and a live companion's unset api_key_env print, and the exit stays 0")
    func warnings() throws {
        try folder.write("han-ru.yaml", "token: ${HAN_RU_TOKEN:-100000001:placeholder-set-HAN_RU_TOKEN-to-run-this-bot}\n"
            + "plugins: [echo]\n")
        try folder.write("lumen.yaml", "token: \"123456:CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME\"\nplugins: [echo]\n")
        try folder.write("real.yaml", "token: \(Self.realLooking.0)\nplugins: [echo]\n")
        let companion = """
            platform: sandbox
            plugins:
              - companion:
                  base_url: ${BASE:-https://llm.example.com/v1}
                  model: m
                  api_key_env: LLM_KEY
            """
        try folder.write("live.yaml", companion)
        try folder.write("offline.yaml", companion.replacingOccurrences(of: "${BASE:-https://llm.example.com/v1}", with: "offline"))
        func lines(_ environment: [String: String]) -> CheckCommand.Report {
            var report = CheckCommand.check(
                botsDirectory: folder.path, loader: ManifestLoader(registry: .builtIn(), environment: environment))
            report.lines = report.lines.map(folder.relative).filter { $0.contains("warning") }
            return report
        }
        #expect(lines([:]) == CheckCommand.Report(lines: [
            "han-ru.yaml: warning: token: 100000001:*** looks like a placeholder (it holds the word 'placeholder'); "
                + "set the token @BotFather gave you",
            "live.yaml: warning: plugins[0].companion.api_key_env: LLM_KEY is not set here; every model call will fail "
                + "and the companion will answer with its fallback until it is",
            "lumen.yaml: warning: token: 123456:*** looks like a placeholder (it holds the word 'changeme'); "
                + "set the token @BotFather gave you",
            "5 bots OK, 3 warnings",
        ], exitCode: 0))
        let set = lines(["LLM_KEY": "sk-1", "HAN_RU_TOKEN": Self.realLooking.1])
        #expect(set.lines.count == 2 && set.lines[0].hasPrefix("lumen.yaml: warning: token:"), "only lumen's is left")
        #expect(set.lines.last == "5 bots OK, 1 warning")
        #expect(set.exitCode == 0)
    }

    @Test("the output never shows a token")
    func noToken() throws {
        try folder.write("a.yaml", "token: \(ManifestTokens.first)\nplugins: [echo]\n")
        try folder.write("b.yaml", "token: \(ManifestTokens.first)\nplugins: [echo]\n")
        try folder.write("c.yaml", "token: \(ManifestTokens.third)\nplugins: [echo]\n")
        let report = check()
        #expect(report.exitCode == 1)
        #expect(report.lines.count == 3)
        #expect(report.lines.allSatisfy { !$0.contains(String(repeating: "A", count: 10)) })
        let valid = try ManifestFolder()
        try valid.write("c.yaml", "token: \(ManifestTokens.third)\nplugins: [echo]\n")
        let lines = CheckCommand.check(botsDirectory: valid.path, loader: ManifestTestPlugins.loader()).lines
        #expect(lines.allSatisfy { !$0.contains(String(repeating: "C", count: 10)) })
    }

    @Test("--config: the host config's errors, located, or one line saying it is valid")
    func hostConfig() throws {
        let bad = try folder.write("aviary.yaml", "api:\n  failed_auth_per_minut: 5\nhttp:\n  max_connections: 0\n")
        let refused = CheckCommand.checkConfig(bad, environment: [:])
        #expect(refused.exitCode == 1)
        #expect(
            refused.lines.map(folder.relative) == [
                "aviary.yaml:2: api.failed_auth_per_minut: unknown key; did you mean 'failed_auth_per_minute'?",
                "aviary.yaml:4: http.max_connections: 0 is out of range; use 1 to 1000000",
            ])
        let digest = String(repeating: "b", count: 64)
        let good = try folder.write("aviary.yaml", "api:\n  brand_tokens:\n    han: \(digest)\n")
        let lines = CheckCommand.checkConfig(good, environment: [:]).lines.map(folder.relative)
        #expect(lines == ["aviary.yaml: host config OK (1 brand token)"])
    }
}
