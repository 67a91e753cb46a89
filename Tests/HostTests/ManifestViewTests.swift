import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

/// The manifest as the API's bot view and the dashboard's bot page show it (#18 item 6): plugin
/// settings with `${…}` at their effective values, a value read from the environment as its
/// reference, credential-like settings masked.
@Suite("Manifest view: effective values", .serialized, .timeLimit(.minutes(5)))
struct ManifestViewTests {
    static let manifest = """
        platform: sandbox
        plugins:
          - companion:
              base_url: ${COMPANION_BASE_URL:-offline}
              model: ${COMPANION_MODEL:-gpt-4o-mini}
              api_key_env: COMPANION_API_KEY
              system_prompt: "Costs $$5, says ${GREETING:-hi} to ${NAME:-you}"
              fallback: plain text
          - replies:
              commands:
                start: {text: "${WELCOME:-Welcome!}"}
        """

    /// The plugins' settings as the API shows them, loaded with `environment`.
    static func settings(_ environment: [String: String]) throws -> String {
        let folder = try ManifestFolder()
        try folder.write("demo.yaml", manifest)
        let scan = ManifestLoader(registry: .builtIn(), environment: environment).scan(directory: folder.path)
        #expect(scan.errors.isEmpty, "\(scan.errors)")
        let manifest = try #require(scan.bots.first?.manifest)
        return Dashboard.prettyJSON(ManifestView(manifest.shown).plugins)
    }

    @Test("unset variables show their defaults; `$$` shows a dollar; nothing shows `${…:-…}`")
    func defaults() throws {
        let shown = try Self.settings([:])
        #expect(shown.contains(#""base_url" : "offline""#))
        #expect(shown.contains(#""model" : "gpt-4o-mini""#))
        #expect(shown.contains(#""system_prompt" : "Costs $5, says hi to you""#))
        #expect(shown.contains(#""text" : "Welcome!""#))
        #expect(shown.contains(#""fallback" : "plain text""#))
        #expect(!shown.contains(":-"), "\(shown)")
    }

    @Test("a value from the environment shows as its reference, never as itself")
    func fromEnvironment() throws {
        let url = "https://llm.internal.example/v1"
        let shown = try Self.settings(["COMPANION_BASE_URL": url, "NAME": "Ann-from-env", "COMPANION_API_KEY": "sk-1"])
        #expect(shown.contains(#""base_url" : "${COMPANION_BASE_URL}""#))
        #expect(shown.contains(#""system_prompt" : "Costs $5, says hi to ${NAME}""#))
        #expect(!shown.contains(url) && !shown.contains("Ann-from-env"), "\(shown)")
        #expect(shown.contains(#""api_key_env" : "COMPANION_API_KEY""#) && !shown.contains("sk-1"),
                "the variable's name shows, its value never")
    }

    @Test("the bot page shows the effective values")
    func botPage() async throws {
        let host = try await HTTPTestHost.start(extraManifests: ["demo": Self.manifest.replacingOccurrences(
            of: "platform: sandbox", with: "id: demo\nplatform: sandbox")])
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.adminToken)
            let page = String(buffer: try await browser.get("/bots/demo").body)
            #expect(page.contains("&quot;base_url&quot; : &quot;offline&quot;"), "\(page)")
            #expect(!page.contains("COMPANION_BASE_URL:-offline"))
        }
    }
}
