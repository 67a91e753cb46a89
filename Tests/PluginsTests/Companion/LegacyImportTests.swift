import Foundation
import Plugins
import Testing
import Tenant
import Storage
import GRDB

@Suite("CompanionLegacyImport", .timeLimit(.minutes(5)))
struct LegacyImportTests {
    /// Runs `importer` into `store`'s database.
    static func run(_ importer: CompanionLegacyImport, into store: BotStore, now: Date) async throws
        -> LegacyImportReport
    {
        try await store.withDatabase { try await importer.run(into: $0, now: now) }
    }

    /// The sample legacy folder: two profiles, two logs, a backup and a malformed log.
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/legacy").path

    static func store() throws -> BotStore {
        try BotStore(inMemoryWith: [
            PluginMigrations(pluginName: CompanionPlugin.name, steps: CompanionPlugin.migrations)
        ])
    }

    @Test("the sample imports its profiles and messages, names the bad file, and a second run adds nothing")
    func importsTwice() async throws {
        let store = try Self.store()
        let importer = CompanionLegacyImport(directory: Self.sample)
        let first = try await Self.run(importer, into: store, now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(first.lines.first?.hasPrefix("conversations/broken.json: not valid JSON (") == true)
        #expect(first.lines.dropFirst() == [
            "profiles: 2 imported, 0 already there",
            "messages: 7 imported, 2 already there, 2 skipped (no text or unknown sender)",
            "files: 6 read, 1 bad",
        ])
        #expect(first.problems.map(\.file) == ["conversations/broken.json"])
        let second = try await Self.run(importer, into: store, now: Date(timeIntervalSince1970: 1_900_000_000))
        #expect(second.profilesImported == 0 && second.profilesPresent == 2)
        #expect(second.messagesImported == 0 && second.messagesPresent == 9 && second.messagesSkipped == 2)
        #expect(second.filesRead == 6 && second.problems.count == 1)
    }

    @Test("imported rows read back as the companion's history and profiles, oldest message first")
    func rowsReadBack() async throws {
        let store = try Self.store()
        _ = try await Self.run(CompanionLegacyImport(directory: Self.sample), into: store, now: Date())
        let (anna, marta, history) = try await store.read { db in
            (
                try String.fetchOne(db, sql: "SELECT profile FROM companion_profiles WHERE user_id = 1001"),
                try String.fetchOne(db, sql: "SELECT profile FROM companion_profiles WHERE user_id = 1002"),
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT role || ': ' || text FROM companion_turns WHERE chat_id = 1001
                        ORDER BY created_at, id
                        """)
            )
        }
        #expect(anna == #"{"age":27,"city":"Riga","facts":["has a cat named Tom","works as a nurse"],"#
            + #""interests":["yoga","travel","jazz"],"name":"Anna","notes":"prefers to chat in the evening"}"#)
        #expect(marta == #"{"age":31,"facts":[],"interests":["books","hiking"],"name":"Marta"}"#)
        #expect(history == [
            "user: Good morning!", "user: Hi! Are you awake?", "assistant: Always :) How was your shift?",
            "user: Long. Tom knocked over my plant.", "assistant: Cats! Was it the big one?",
        ])
    }

    @Test("an import never overwrites a profile the companion already keeps")
    func keepsLiveProfile() async throws {
        let store = try Self.store()
        try await store.write { db in
            try db.execute(
                sql: "INSERT INTO companion_profiles (user_id, profile, updated_at) VALUES (1001, ?, ?)",
                arguments: [#"{"name":"Ann"}"#, StoredDate(Date())])
        }
        let report = try await Self.run(CompanionLegacyImport(directory: Self.sample), into: store, now: Date())
        #expect(report.profilesImported == 1 && report.profilesPresent == 1)
        let anna = try await store.read { db in
            try String.fetchOne(db, sql: "SELECT profile FROM companion_profiles WHERE user_id = 1001")
        }
        #expect(anna == #"{"name":"Ann"}"#)
    }

    @Test("a folder without the legacy subfolders is refused with what to pass")
    func refusesOtherFolder() async throws {
        let store = try Self.store()
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        await #expect(throws: LegacyImportError.self) {
            _ = try await Self.run(CompanionLegacyImport(directory: empty), into: store, now: Date())
        }
        await #expect(throws: LegacyImportError.self) {
            _ = try await Self.run(CompanionLegacyImport(directory: empty + "/missing"), into: store, now: Date())
        }
    }

    @Test("files without a chat id and files of the wrong shape are named with the reason")
    func namesBadShapes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/girls_data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/conversations", withIntermediateDirectories: true)
        try #"["not", "a", "profile"]"#.write(toFile: root + "/girls_data/5.json", atomically: true, encoding: .utf8)
        try #"{"messages": []}"#.write(toFile: root + "/conversations/anna.json", atomically: true, encoding: .utf8)
        try #"{"text": "hi"}"#.write(toFile: root + "/conversations/6.json", atomically: true, encoding: .utf8)
        let store = try Self.store()
        let report = try await Self.run(CompanionLegacyImport(directory: root), into: store, now: Date())
        #expect(report.problems.map(\.description) == [
            "girls_data/5.json: a profile must be a JSON object, found a list",
            "conversations/6.json: expected a list of messages, or an object with \"messages\", found an object",
            "conversations/anna.json: no chat id: name the file <chat_id>.json or add \"chat_id\"",
        ])
    }
}
