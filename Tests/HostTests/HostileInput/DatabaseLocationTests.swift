import Foundation
import Testing
@testable import Host

/// A folder inside the data folder that is a symbolic link to elsewhere cannot carry a bot's
/// database out of it.
@Suite("Database location on disk")
struct DatabaseLocationTests {
    @Test("paths inside the data folder pass; a symbolic link out of it is caught, for a file or a folder")
    func symbolicLinks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-dbloc-\(UUID().uuidString)")
        let data = root.appendingPathComponent("data").path
        let outside = root.appendingPathComponent("victim").path
        try FileManager.default.createDirectory(atPath: data + "/inside", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: data + "/link", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: data + "/file.sqlite", withDestinationPath: outside + "/x.sqlite")

        #expect(DatabaseLocation.escape(of: data + "/bot.sqlite", from: data) == nil)
        #expect(DatabaseLocation.escape(of: data + "/inside/new/bot.sqlite", from: data) == nil)
        #expect(DatabaseLocation.escape(of: data + "/link/bot.sqlite", from: data)?.hasSuffix("/victim") == true)
        #expect(DatabaseLocation.escape(of: data + "/link/deeper/bot.sqlite", from: data)?.hasSuffix("/victim") == true)
        // A link to a file outside.
        try Data().write(to: URL(fileURLWithPath: outside + "/x.sqlite"))
        #expect(DatabaseLocation.escape(of: data + "/file.sqlite", from: data)?.hasSuffix("/victim/x.sqlite") == true)
        // The data folder reached through a link of its own is still the data folder.
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("alias").path, withDestinationPath: data)
        let alias = root.appendingPathComponent("alias").path
        #expect(DatabaseLocation.escape(of: alias + "/bot.sqlite", from: alias) == nil)
        #expect(DatabaseLocation.escape(of: data + "/bot.sqlite", from: root.appendingPathComponent("missing").path) == nil)
    }
}
