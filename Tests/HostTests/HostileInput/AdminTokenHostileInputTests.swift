import Foundation
import PropertyBased
import Testing
@testable import Host

/// `<data-dir>/admin.token` as the host finds it: whatever an existing file holds, the host
/// never replaces it, and reading it ends in a token of 16 characters or more or an error that
/// says so; every file the host makes holds a fresh 48-hex-digit token, `0600`.
@Suite("Admin token file: hostile input", .timeLimit(.minutes(2)))
struct AdminTokenHostileInputTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("admin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("any existing file is kept as it is, and is a token or an error saying it is too short")
    func existingFilesKept() async throws {
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...80)) { bytes in
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let file = AdminTokenFile(dataDirectory: folder)
            try Data(bytes).write(to: URL(fileURLWithPath: file.path))
            #expect(try file.make() == false)
            #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == Data(bytes))
            var config = HostConfig()
            config.adminTokenFile = file.path
            do {
                let tokens = try config.apiTokens(environment: [:])
                #expect(tokens.admin != nil)
            } catch {
                #expect("\(error)".contains("shorter than 16 characters"), "\(error)")
            }
        }
    }

    @Test("every made file holds a fresh 48-hex-digit token, 0600")
    func madeFiles() async throws {
        var seen: Set<String> = []
        for _ in 0..<50 {
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let file = AdminTokenFile(dataDirectory: folder)
            #expect(try file.make())
            let token = try String(contentsOfFile: file.path, encoding: .utf8)
            #expect(token.count == 49 && token.hasSuffix("\n") && token.dropLast().allSatisfy(\.isHexDigit))
            #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
            seen.insert(token)
        }
        #expect(seen.count == 50)
    }
}
