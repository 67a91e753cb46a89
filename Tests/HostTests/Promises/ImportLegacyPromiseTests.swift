import FakeModelAPI
import Foundation
import Plugins
import PropertyBased
import Tenant
import Testing
import Storage
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The README's `import-legacy` section, one promise per test: how the fields of a message are
/// read (timestamps, aliases, a missing date, role synonyms), into which database, and while
/// the host runs.
@Suite("Promise: import-legacy reads messages as the README says", .timeLimit(.minutes(5)))
struct ImportLegacyPromiseTests {
    /// One stored message, as the companion reads it back.
    struct Turn: Equatable, CustomStringConvertible {
        var role: String
        var text: String
        /// `created_at` as stored: `yyyy-MM-dd HH:mm:ss.SSS` in UTC.
        var date: String

        var description: String { "\(role) @ \(date): \(text)" }
    }

    /// The README's person synonyms.
    static let personRoles = ["user", "girl", "human", "client", "person"]
    /// The README's companion synonyms.
    static let companionRoles = ["assistant", "bot", "ai", "me", "companion"]

    /// Writes `messages` as `conversations/1001.json` of a fresh legacy folder, imports it into
    /// an empty store, and returns the report and the rows in file order.
    static func importConversation(_ messages: [[String: Any]]) async throws -> (LegacyImportReport, [Turn]) {
        let (folder, store) = try legacyFolder(messages)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let importer = CompanionLegacyImport(directory: folder)
        let report = try await store.withDatabase { try await importer.run(into: $0, now: Date()) }
        return (report, try await turns(in: store))
    }

    /// A legacy folder holding `messages` as `conversations/1001.json`, and an empty store.
    static func legacyFolder(_ messages: [[String: Any]]) throws -> (String, BotStore) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/conversations", withIntermediateDirectories: true)
        let data = try JSONSerialization.data(withJSONObject: ["messages": messages])
        try data.write(to: URL(fileURLWithPath: folder + "/conversations/1001.json"))
        let store = try BotStore(inMemoryWith: [
            PluginMigrations(pluginName: CompanionPlugin.name, steps: CompanionPlugin.migrations)
        ])
        return (folder, store)
    }

    /// The stored turns of chat 1001, in the order they were stored.
    static func turns(in store: BotStore) async throws -> [Turn] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT role, text, created_at FROM companion_turns WHERE chat_id = 1001 ORDER BY id"
            ).map { Turn(role: $0["role"], text: $0["text"], date: $0["created_at"]) }
        }
    }

    /// How a date `seconds` after 1970 is stored.
    static func stored(_ seconds: Double) -> String {
        StoredDate(Date(timeIntervalSince1970: seconds)).text
    }

    // MARK: Timestamps

    @Test("Unix milliseconds are read as milliseconds and Unix seconds as seconds, as numbers or digit strings")
    func timestampExamples() async throws {
        let (_, turns) = try await Self.importConversation([
            ["role": "user", "text": "seconds", "timestamp": 1_709_317_870],
            ["role": "user", "text": "milliseconds", "timestamp": 1_709_317_870_123],
            ["role": "user", "text": "a string", "timestamp": "1709317870456"],
        ])
        #expect(turns.map(\.date) == [
            "2024-03-01 18:31:10.000", "2024-03-01 18:31:10.123", "2024-03-01 18:31:10.456",
        ])
    }

    @Test("any timestamp above the millisecond threshold (1e11) is read as milliseconds; any below as seconds")
    func timestampsProperty() async throws {
        // Milliseconds from March 1973 (just above 1e11) to 2100; seconds from 1970 to 2100.
        let milliseconds = Gen.int64(in: 100_000_000_001...4_102_444_800_000)
            .map { (raw: $0, seconds: Double($0) / 1000) }
        let seconds = Gen.int64(in: 0...4_102_444_800).map { (raw: $0, seconds: Double($0)) }
        await propertyCheck(count: 200, input: Gen.oneOf(milliseconds, seconds), Gen.bool()) { stamp, asString in
            let written: Any = asString ? "\(stamp.raw)" : stamp.raw
            let (_, turns) = try await Self.importConversation([["role": "user", "text": "t", "date": written]])
            #expect(turns.map(\.date) == [Self.stored(stamp.seconds)], "timestamp \(written)")
        }
    }

    @Test("any instant written as ISO 8601 (any fraction or none, any zone or none) or `yyyy-MM-dd HH:mm:ss` is read")
    func isoDatesProperty() async throws {
        let instants = zip(Gen.int64(in: 0...4_102_444_800), Gen.int(in: 0...999))
        let places = Gen.element(of: [0, 1, 2, 3, 4, 6, 9]).map { $0 ?? 0 }
        await propertyCheck(count: 300, input: instants, places, Gen.int(in: 0...Self.zones.count)) {
            instant, places, zone in
            let (text, seconds) = Self.written(seconds: instant.0, milliseconds: instant.1, places: places, zone: zone)
            let (_, turns) = try await Self.importConversation([["role": "user", "text": "t", "date": text]])
            #expect(turns.map(\.date) == [Self.stored(seconds)], "date \(text)")
        }
    }

    /// Zones as the old assistant may have written them, with their offsets in seconds.
    static let zones = [("Z", 0), ("+00:00", 0), ("+02:00", 7200), ("-05:30", -19800), ("+0100", 3600), ("", 0)]

    /// The instant `seconds` + `milliseconds` written with a fraction of `places` digits and
    /// `zones[zone]` (past the end: `yyyy-MM-dd HH:mm:ss`, UTC), and the instant that text holds
    /// (a fraction of one or two digits holds tenths or hundredths).
    static func written(seconds: Int64, milliseconds: Int, places: Int, zone: Int) -> (String, Double) {
        let held =
            switch places {
            case 0: 0
            case 1: milliseconds - milliseconds % 100
            case 2: milliseconds - milliseconds % 10
            default: milliseconds
            }
        let digits = String(format: "%03d", held).padding(toLength: 9, withPad: "0", startingAt: 0).prefix(places)
        let (suffix, offset) = zone < zones.count ? zones[zone] : ("", 0)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = zone < zones.count ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd HH:mm:ss"
        let local = formatter.string(from: Date(timeIntervalSince1970: Double(seconds + Int64(offset))))
        return (local + (places == 0 ? "" : "." + digits) + suffix, Double(seconds) + Double(held) / 1000)
    }

    // MARK: Aliases

    @Test("`sender`, `message` and `time` stand for `role`, `text` and `date`")
    func aliasExample() async throws {
        let (report, turns) = try await Self.importConversation([
            ["sender": "user", "message": "Hi! Are you awake?", "time": "2024-03-01T18:30:00Z"],
            ["sender": "assistant", "message": "Always :)", "time": 1_709_317_805],
        ])
        #expect(report.messagesImported == 2 && report.messagesSkipped == 0)
        #expect(turns == [
            Turn(role: "user", text: "Hi! Are you awake?", date: "2024-03-01 18:30:00.000"),
            Turn(role: "assistant", text: "Always :)", date: "2024-03-01 18:30:05.000"),
        ])
    }

    @Test("any mix of the sender, text and date aliases over a log imports every message as written")
    func aliasesProperty() async throws {
        let roleKeys = ["role", "from", "sender"]
        let textKeys = ["text", "content", "message"]
        let dateKeys = ["date", "timestamp", "time"]
        let message = zip(Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.bool())
        await propertyCheck(count: 100, input: message.array(of: 1...8)) { shapes in
            var messages: [[String: Any]] = []
            var expected: [Turn] = []
            for (index, (roleKey, textKey, dateKey, isPerson)) in shapes.enumerated() {
                let seconds = 1_709_300_000 + Double(index) * 61
                messages.append([
                    roleKeys[roleKey]: isPerson ? "user" : "assistant", textKeys[textKey]: "message \(index)",
                    dateKeys[dateKey]: Int(seconds),
                ])
                expected.append(
                    Turn(role: isPerson ? "user" : "assistant", text: "message \(index)", date: Self.stored(seconds)))
            }
            let (report, turns) = try await Self.importConversation(messages)
            #expect(report.messagesSkipped == 0, "\(messages)")
            #expect(turns == expected, "\(messages)")
        }
    }

    // MARK: A missing date

    @Test("a message without a date takes the previous message's date")
    func missingDateExample() async throws {
        let (_, turns) = try await Self.importConversation([
            ["role": "user", "text": "Hi!", "date": "2024-03-01T18:30:00Z"],
            ["role": "assistant", "text": "Hello"],
            ["role": "user", "text": "Later", "date": "2024-03-02 09:00:00"],
            ["role": "assistant", "text": "Morning"],
            ["role": "user", "text": "And again"],
        ])
        #expect(turns.map(\.date) == [
            "2024-03-01 18:30:00.000", "2024-03-01 18:30:00.000", "2024-03-02 09:00:00.000",
            "2024-03-02 09:00:00.000", "2024-03-02 09:00:00.000",
        ])
    }

    @Test("in any log that starts dated, each undated message takes the date before it; a rerun adds nothing")
    func missingDateProperty() async throws {
        let message = zip(Gen.bool(), Gen.int64(in: 0...4_102_444_800))
        await propertyCheck(count: 100, input: message.array(of: 1...12)) { shapes in
            var messages: [[String: Any]] = []
            var expected: [String] = []
            for (index, (hasDate, seconds)) in shapes.enumerated() {
                var message: [String: Any] = ["role": index.isMultiple(of: 2) ? "user" : "bot", "text": "m\(index)"]
                if hasDate || index == 0 {
                    message["timestamp"] = seconds
                    expected.append(Self.stored(Double(seconds)))
                } else {
                    expected.append(expected[index - 1])
                }
                messages.append(message)
            }
            let (folder, store) = try Self.legacyFolder(messages)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let importer = CompanionLegacyImport(directory: folder)
            _ = try await store.withDatabase { try await importer.run(into: $0, now: Date()) }
            #expect(try await Self.turns(in: store).map(\.date) == expected, "\(messages)")
            let again = try await store.withDatabase { try await importer.run(into: $0, now: Date()) }
            #expect(again.messagesImported == 0 && again.messagesPresent == messages.count)
        }
    }

    // MARK: Roles

    @Test("each role synonym of the README maps to its side, in any case; any other sender is skipped and counted")
    func roleExamples() async throws {
        let synonyms = Self.personRoles + Self.companionRoles + ["USER", "Girl", "AI", "Me", "CompanioN", "narrator"]
        let (report, turns) = try await Self.importConversation(synonyms.enumerated().map { index, role in
            ["role": role, "text": role, "date": 1_709_300_000 + index]
        })
        #expect(report.messagesImported == synonyms.count - 1 && report.messagesSkipped == 1)
        #expect(turns.map { "\($0.text)=\($0.role)" } == [
            "user=user", "girl=user", "human=user", "client=user", "person=user",
            "assistant=assistant", "bot=assistant", "ai=assistant", "me=assistant", "companion=assistant",
            "USER=user", "Girl=user", "AI=assistant", "Me=assistant", "CompanioN=assistant",
        ])
    }

    @Test("any synonym in any mix of upper and lower case maps to its side")
    func rolesProperty() async throws {
        let all = Self.personRoles + Self.companionRoles
        let synonyms = Gen.int(in: 0...(all.count - 1))
        await propertyCheck(count: 200, input: synonyms, Gen.bool().array(of: 9), Gen.int(in: 0...2)) {
            index, upper, keyIndex in
            let cased = String(all[index].enumerated().map { offset, character in
                upper[offset] ? Character(character.uppercased()) : character
            })
            let key = ["role", "from", "sender"][keyIndex]
            let (report, turns) = try await Self.importConversation([[key: cased, "text": "hi", "date": 1_709_300_000]])
            let side = index < Self.personRoles.count ? "user" : "assistant"
            #expect(report.messagesSkipped == 0 && turns.map(\.role) == [side], "\(key): \(cased)")
        }
    }

    @Test("any other sender, lowercase words that are no synonym, is skipped and counted")
    func unknownRolesProperty() async throws {
        let known = Set(Self.personRoles + Self.companionRoles)
        let words = Gen.lowercaseLetter.string(of: 1...9).filter { !known.contains($0) }
        await propertyCheck(count: 100, input: words) { word in
            let (report, turns) = try await Self.importConversation([["role": word, "text": "hi", "date": 1]])
            #expect(report.messagesSkipped == 1 && turns.isEmpty, "\(word)")
        }
    }
}

/// The README's promises about where `aviary import-legacy` writes, with the real binary: the
/// database the host uses (the manifest's `database` when it names one), also while the host runs.
@Suite("Promise: import-legacy writes into the host's database", .serialized, .timeLimit(.minutes(5)))
struct ImportLegacyDatabasePromiseTests {
    /// A legacy folder with person 42's profile and two messages of their chat.
    static func annaFolder(in sandbox: HostSandbox) throws -> String {
        let folder = sandbox.root.appendingPathComponent("legacy").path
        for sub in ["girls_data", "conversations"] {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(sub)", withIntermediateDirectories: true)
        }
        try #"{ "name": "Ann", "city": "Riga" }"#.write(
            toFile: folder + "/girls_data/42.json", atomically: true, encoding: .utf8)
        try """
            [{ "role": "user", "text": "I'm Ann from Riga", "date": "2024-03-01T18:30:00Z" },
             { "role": "assistant", "text": "Nice to meet you, Ann", "date": "2024-03-01T18:30:05Z" }]
            """.write(toFile: folder + "/conversations/42.json", atomically: true, encoding: .utf8)
        return folder
    }

    /// The number of imported messages in the database at `path`.
    static func turnCount(at path: String) async throws -> Int {
        try await DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM companion_turns") ?? -1
        }
    }

    @Test("with `database:` in the manifest, the import writes into that file and creates no default one")
    func databaseOverride() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest(
            "anna-bot",
            "platform: sandbox\ndatabase: imports/anna.sqlite\nplugins:\n  - companion: { base_url: offline }\n")
        let (status, output) = try await ImportLegacyTests.importLegacy(
            sandbox, ["--from", try Self.annaFolder(in: sandbox), "--bot", "anna-bot"])
        #expect(status == 0, "\(output)")
        let named = sandbox.dataDirectory + "/imports/anna.sqlite"
        #expect(output.contains("into bot anna-bot (\(named))"), "\(output)")
        #expect(output.contains("messages: 2 imported, 0 already there, 0 skipped"), "\(output)")
        #expect(try await Self.turnCount(at: named) == 2)
        #expect(!FileManager.default.fileExists(atPath: sandbox.dataDirectory + "/anna-bot.sqlite"))
    }

    @Test("a `database:` folder that a symbolic link leads out of the data folder is refused, as by the host")
    func databaseBehindLinkRefused() async throws {
        let sandbox = try HostSandbox()
        let elsewhere = sandbox.root.appendingPathComponent("elsewhere").path
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: sandbox.dataDirectory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.dataDirectory + "/linked", withDestinationPath: elsewhere)
        try sandbox.writeManifest(
            "anna-bot",
            "platform: sandbox\ndatabase: linked/anna.sqlite\nplugins:\n  - companion: { base_url: offline }\n")
        let (status, output) = try await ImportLegacyHostileInputTests.importLegacy(
            sandbox, ["--from", try Self.annaFolder(in: sandbox), "--bot", "anna-bot"])
        #expect(status != 0)
        #expect(output.contains("its database 'linked/anna.sqlite' leads to"), "\(output)")
        #expect(output.contains("outside the data folder, through a symbolic link"), "\(output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty, "nothing written outside")
    }

    @Test("while the host runs the bot, the import succeeds and the companion's next model call sees it")
    func importWhileHostRuns() async throws {
        let (fake, sandbox) = try await CompanionEndToEndTests.prepare()
        let (host, probe) = try await CompanionEndToEndTests.startHost(sandbox)
        let (status, output) = try await ImportLegacyTests.importLegacy(
            sandbox, ["--from", try Self.annaFolder(in: sandbox), "--bot", "companion-e2e"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("profiles: 1 imported") && output.contains("messages: 2 imported"), "\(output)")

        try await CompanionEndToEndTests.write("what do you remember?", from: 42, probe)
        let request = try await fake.waitForRequests(count: 1)[0]
        #expect(request.messages.map(\.content).dropFirst() == [
            "I'm Ann from Riga", "Nice to meet you, Ann", "what do you remember?",
        ])
        #expect(request.systemPrompt.contains(#""name":"Ann""#), "\(request.systemPrompt)")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
    }
}
