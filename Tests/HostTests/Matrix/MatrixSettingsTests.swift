import Foundation
import PropertyBased
import Testing
@testable import Host

/// `platform: matrix` manifests and the host config's `matrix:` section: every bad value is an
/// error naming its file, line and key.
@Suite("Matrix settings: manifest and host config")
struct MatrixSettingsTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    @Test("a matrix manifest's bad fields are each named; a good one loads")
    func manifestErrors() throws {
        let good = "platform: matrix\nmatrix:\n  localpart: aviary_han\n  display_name: Han\nplugins: [quiet]\n"
        #expect(try folder.errors(good) == [])
        let bad = """
            platform: matrix
            matrix:
              localpart: Aviary Han
              homeserver_url: ftp://x
              avatar_url: https://x/a.png
              message_type: loud
              displayname: Han
            plugins: [quiet]
            """
        let errors = try folder.errors(bad)
        for key in ["matrix.localpart", "matrix.homeserver_url", "matrix.avatar_url", "matrix.message_type"] {
            #expect(errors.contains { $0.contains(": \(key): ") }, "\(key) in \(errors)")
        }
        #expect(errors.contains { $0.contains("displayname") && $0.contains("display_name") }, "\(errors)")
        #expect(try folder.errors("platform: matrix\nplugins: [quiet]\n").contains { $0.contains("matrix") })
        #expect(
            try folder.errors("matrix:\n  localpart: aviary_x\nplugins: [quiet]\n").contains {
                $0.contains("only a platform: matrix bot has a matrix block")
            }
        )
    }

    @Test("random localparts: accepted exactly when they are 1 to 200 of a-z, 0-9 and ._=-/")
    func localparts() async throws {
        let folder = folder
        let input = Gen.oneOf(Gen.lowercaseLetter.string(of: 1...20), Gen.character(in: " "..."~").string(of: 1...30))
        await propertyCheck(count: 100, input: input) { localpart in
            let quoted = localpart.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"",
                with: "\\\""
            )
            let errors = try folder.errors("platform: matrix\nmatrix:\n  localpart: \"\(quoted)\"\nplugins: [quiet]\n")
            let valid = localpart.allSatisfy(MatrixLocalpart.isAllowed)
            #expect(errors.contains { $0.contains("matrix.localpart") } == !valid, "\(localpart): \(errors)")
        }
    }

    @Test("the host config's matrix: section: missing keys, short tokens and bad addresses are named")
    func hostConfig() throws {
        let token = try folder.write("as", "as-token-0123456789")
        let short = try folder.write("hs", "short")
        let config = """
            matrix:
              id: aviary
              homeserver_url: http://127.0.0.1:8008
              server_name: localhost
              as_token_file: \(token)
              hs_token_file: \(token)
              user_prefix: aviary_
              url: http://127.0.0.1:8080
            """
        let loaded = try HostConfig.load(path: try folder.write("good.yaml", config))
        #expect(loaded.matrix?.owns("@aviary_x:localhost") == true)
        #expect(loaded.matrix?.owns("@ann:localhost") == false)
        #expect(loaded.matrix?.registrationYAML.contains("regex: '@aviary_.*:localhost'") == true)
        func error(_ text: String) throws -> String {
            do {
                _ = try HostConfig.load(path: try folder.write("bad.yaml", text))
                return ""
            } catch let error as HostConfigError {
                return error.message
            }
        }
        #expect(
            try error(config.replacingOccurrences(of: "hs_token_file: \(token)", with: "hs_token_file: \(short)"))
                .contains("matrix.hs_token_file: the token must be 16")
        )
        #expect(
            try error(config.replacingOccurrences(of: "url: http://127.0.0.1:8080", with: "url: nowhere"))
                .contains("matrix.url:")
        )
        #expect(try error(config.replacingOccurrences(of: "  id: aviary\n", with: "")).contains("matrix.id: missing"))
        #expect(try error(config + "\n  sender: x").contains("matrix.sender"))
    }
}
