import Foundation
import Hummingbird
import HummingbirdTesting
import PropertyBased
import Testing
@testable import Host

/// The dashboard's "New bot" form as hostile input: any id, any text.
@Suite("Dashboard manifest form hostile input", .serialized, .timeLimit(.minutes(5)))
struct DashboardManifestHostileInputTests {
    /// Ids with traversal, separators, case and length.
    static let ids = Gen.element(of: ["..", "/", "a", "Z", "-", "0", "%2f", ".yaml", " ", "é", "zeta", "\u{0}", "\\"])
        .compactMap { $0 }.array(of: 0...70).map { $0.joined() }

    @Test("any id: a valid one creates bots.d/<id>.yaml, anything else is 422 naming the id; nothing lands elsewhere")
    func anyID() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: host.sandbox.root.path))
        try await host.withClient { client in
            var browser = DashboardClient(client)
            try await browser.signIn(HTTPTestHost.hanToken)
            await propertyCheck(count: 150, input: Self.ids) { id in
                let answer = try await browser.post(
                    "/manifests/new",
                    ["id": id, "yaml": "brand: han\nplatform: sandbox\nplugins: [echo]\n"]
                )
                let trimmed = id.trimmingCharacters(in: .whitespacesAndNewlines)
                if ManagementAPI.isBotID(trimmed) {
                    #expect([.seeOther, .conflict].contains(answer.status), "\(id)")
                    if answer.status == .seeOther {
                        #expect(
                            try await browser.post("/bots/\(trimmed)/delete", ["confirm": trimmed]).status == .seeOther
                        )
                    }
                } else {
                    #expect(answer.status == .unprocessableContent, "\(id)")
                    #expect(String(buffer: answer.body).contains("the id is 1 to 63 of a-z"), "\(id)")
                }
            }
        }
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: host.sandbox.root.path))
        #expect(after.subtracting(before).isSubset(of: ["aviary.log"]), "\(after.subtracting(before))")
        let manifests = try FileManager.default.contentsOfDirectory(atPath: host.sandbox.botsDirectory)
        #expect(Set(manifests) == ["alpha.yaml", "beta.yaml", "gamma.yaml"], "\(manifests)")
    }
}
