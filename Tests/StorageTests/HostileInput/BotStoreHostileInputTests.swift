import Foundation
import PropertyBased
import Testing
@testable import Storage

/// What the store finds at a database path, as hostile input: it creates only what is missing,
/// never changes the mode of what it found, and opens nothing but a regular file.
@Suite("BotStore hostile input", .timeLimit(.minutes(5)))
struct BotStoreHostileInputTests {
    /// What may already be at the database path.
    enum Found: CaseIterable, Sendable {
        case nothing, regularFile, symbolicLinkToFile, symbolicLinkToNothing, folder, pipe
    }

    static func mode(_ path: String) throws -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw StorageError("no \(path)") }
        return Int(info.st_mode & 0o7777)
    }

    @Test("whatever is found at the path keeps its mode, and only a regular file is opened")
    func foundThingsKeepTheirMode() async throws {
        let modes = Gen.element(of: [0o755, 0o750, 0o700, 0o775] as [Int]).compactMap { $0 }
        let fileModes = Gen.element(of: [0o644, 0o640, 0o600, 0o664] as [Int]).compactMap { $0 }
        let found = Gen.element(of: Found.allCases).compactMap { $0 }
        await propertyCheck(count: 60, input: zip(found, modes, fileModes)) { found, folderMode, fileMode in
            let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "aviary-found-\(UUID().uuidString)"
            ).path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let folder = root + "/data"
            let outside = root + "/victim.txt"
            let path = folder + "/bot.sqlite"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            chmod(folder, mode_t(folderMode))
            _ = FileManager.default.createFile(atPath: outside, contents: Data("victim".utf8))
            chmod(outside, mode_t(fileMode))
            switch found {
            case .nothing: break
            case .regularFile:
                _ = FileManager.default.createFile(atPath: path, contents: Data())
                chmod(path, mode_t(fileMode))
            case .symbolicLinkToFile: symlink(outside, path)
            case .symbolicLinkToNothing: symlink(root + "/nowhere", path)
            case .folder: mkdir(path, mode_t(folderMode))
            case .pipe: mkfifo(path, mode_t(fileMode))
            }
            let opened = try? await BotStore.open(path: path, plugins: [])
            await opened?.close()
            #expect(try Self.mode(folder) == folderMode, "\(found)")
            #expect(try Self.mode(outside) == fileMode, "\(found)")
            #expect(try String(contentsOfFile: outside, encoding: .utf8) == "victim")
            switch found {
            case .nothing:
                #expect(opened != nil)
                #expect(try Self.mode(path) == 0o600)
            case .regularFile:
                #expect(opened != nil)
                #expect(try Self.mode(path) == fileMode)
            case .symbolicLinkToFile, .symbolicLinkToNothing, .folder, .pipe:
                #expect(opened == nil, "\(found) was opened")
                #expect(!FileManager.default.fileExists(atPath: root + "/nowhere"))
            }
        }
    }

    @Test("the reproduction: a foreign folder and file are neither chmodded nor opened as a database")
    func issueForeignFolderKeepsItsMode() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-victim-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/victimdir"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chmod(folder, 0o755)
        _ = FileManager.default.createFile(atPath: folder + "/victim.txt", contents: Data("not a database\n".utf8))
        chmod(folder + "/victim.txt", 0o644)
        await #expect(throws: StorageError.self) { try await BotStore.open(path: folder + "/victim.txt", plugins: []) }
        #expect(try Self.mode(folder) == 0o755)
        #expect(try Self.mode(folder + "/victim.txt") == 0o644)
    }
}
