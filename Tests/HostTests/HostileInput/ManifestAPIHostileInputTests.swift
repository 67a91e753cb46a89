import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Host

/// `POST /api/v1/manifests/validate` as hostile input: who may read the host's environment and
/// files, and what an alias bomb gets.
@Suite("Manifest validation API hostile input", .serialized, .timeLimit(.minutes(5)))
struct ManifestAPIHostileInputTests {
    static func validate(_ yaml: String, as token: String, _ client: any TestClientProtocol) async throws -> (
        HTTPResponse.Status, String
    ) {
        let response = try await client.execute(
            uri: "/api/v1/manifests/validate?file=x.yaml",
            method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/yaml"],
            body: ByteBuffer(string: yaml)
        )
        return (response.status, String(buffer: response.body))
    }

    @Test("the reproduction: a brand's ${…} and token_file are refused unread; the admin's are read")
    func brandCallersReadNothing() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let yaml = "name: ${AVIARY_ADMIN_TOKEN}\ntoken_file: /etc/hostname\nplugins: [echo]\n"
            let (brandStatus, brand) = try await Self.validate(yaml, as: HTTPTestHost.hanToken, client)
            #expect(brandStatus == .ok)
            #expect(brand.contains("brand callers cannot use ${…}"), "\(brand)")
            #expect(brand.contains("brand callers cannot use token_file"), "\(brand)")
            let (adminStatus, admin) = try await Self.validate(yaml, as: HTTPTestHost.adminToken, client)
            #expect(adminStatus == .ok)
            #expect(admin.contains("AVIARY_ADMIN_TOKEN is not set"), "\(admin)")
            #expect(!admin.contains("brand callers"), "\(admin)")
        }
    }

    @Test("the reproduction: an alias bomb is refused before it is expanded, and /healthz answers meanwhile")
    func aliasBombIsRefused() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let levels = (1...9).map {
                "l\($0): &l\($0) [" + Array(repeating: "*l\($0 - 1)", count: 10).joined(separator: ",") + "]"
            }
            let bomb = (["l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]"] + levels).joined(separator: "\n")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let (status, body) = try await Self.validate(bomb, as: HTTPTestHost.lumenToken, client)
                        #expect(status == .badRequest)
                        #expect(body.contains("x.yaml:1: YAML aliases are not allowed in manifests"), "\(body)")
                    }
                }
                group.addTask {
                    let health = try await client.execute(uri: "/healthz", method: .get)
                    #expect(health.status == .ok)
                }
                try await group.waitForAll()
            }
        }
    }
}
