import Foundation
@testable import Host
import PropertyBased
import Testing

/// What backups read back from folders anyone may have written to, as hostile input: snapshot
/// names, catalog entries, `--at` times and the folders' contents. Each test is a class of
/// input with many generated members.
@Suite("Backups hostile input", .timeLimit(.minutes(5)))
struct BackupHostileInputTests {
    static let idCharacters = Array("abcdefghijklmnopqrstuvwxyz0123456789-")
    /// Bot ids as manifests allow them.
    static let botIDs = zip(
        Gen.element(of: Array("abcdefghijklmnopqrstuvwxyz0123456789")).compactMap { $0 },
        Gen.element(of: idCharacters).compactMap { $0 }.array(of: 0...62)
    ).map { String($0) + String($1) }
    /// Moments from 1970 to 9999, to the millisecond.
    static let moments = Gen.int64(in: 0...253_402_300_799_999)
    /// Bytes that names and stamps are made of, and some that they are not.
    static let nameBytes = Gen.element(of: Array("az09-TZ.:/_ \u{0}é\n")).compactMap { $0 }

    @Test("every generated name reads back as itself: the same bot, the same millisecond")
    func namesRoundTrip() async {
        await propertyCheck(count: 500, input: zip(Self.botIDs, Self.moments)) { id, milliseconds in
            let name = SnapshotName(botID: id, takenAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            let parsed = SnapshotName(parsing: name.description)
            #expect(parsed == name, "\(name)")
            #expect(name.description.utf8.count <= SnapshotName.maximumLength)
        }
    }

    @Test("any text is either exactly a name (and prints back as itself) or nothing")
    func arbitraryTextIsNameOrNothing() async {
        let texts = Self.nameBytes.array(of: 0...100).map { String($0) }
        await propertyCheck(count: 1_000, input: texts) { text in
            if let name = SnapshotName(parsing: text) {
                #expect(name.description == text)
            }
        }
    }

    @Test("a valid name with one character changed is refused or still names a real moment exactly")
    func mutatedNames() async {
        let input = zip(Self.botIDs, Self.moments, Gen.int(in: 0...200), Self.nameBytes)
        await propertyCheck(count: 1_000, input: input) { id, milliseconds, position, replacement in
            var characters = Array(
                SnapshotName(botID: id, takenAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
                    .description
            )
            characters[position % characters.count] = replacement
            let text = String(characters)
            if let name = SnapshotName(parsing: text) {
                #expect(name.description == text, "\(text) read as \(name)")
            }
        }
        // Impossible calendar moments and wrong shapes, by hand.
        for text in [
            "han-20260230T000000.000Z", "han-20261301T000000.000Z", "han-20261207T240000.000Z",
            "han-20261207T236000.000Z", "han-19691231T235959.999Z", "han-20261207T143000Z",
            "-20261207T143000.000Z", "Han-20261207T143000.000Z", "han_1-20261207T143000.000Z",
            "../han-20261207T143000.000Z", String(repeating: "a", count: 64) + "-20261207T143000.000Z",
        ] {
            #expect(SnapshotName(parsing: text) == nil, "\(text)")
        }
    }

    /// A valid entry to mutate.
    static func validEntry() -> CatalogEntry {
        let name = SnapshotName(parsing: "han-ru-20261207T143000.250Z")!
        return CatalogEntry(
            name: name.description,
            bot: "han-ru",
            brand: "han",
            takenAt: name.isoTime,
            size: 4096,
            sha256: String(repeating: "ab", count: 32),
            manifestSHA256: String(repeating: "cd", count: 32),
            migrations: ["host.v1"],
            pollOffset: 12,
            pendingUpdates: 0,
            pendingReplies: 1
        )
    }

    @Test("garbage bytes are refused as a catalog entry with a reason, never a crash")
    func garbageEntries() async throws {
        let valid = String(decoding: try Self.validEntry().encoded(), as: UTF8.self)
        let pieces = Gen.element(of: [
            "{", "}", "[", "]", ",", ":", "\"", "name", "\"bot\"", "1e999", "-1", "null", "true", "\u{0}", "\\u0000",
            "\"sha256\"", "99999999999999999999", " ", valid,
        ]).compactMap { $0 }.array(of: 0...30).map { $0.joined() }
        await propertyCheck(count: 1_000, input: pieces) { text in
            switch Result(catching: { () throws(CatalogError) in try CatalogEntry.parse(Data(text.utf8)) }) {
            case .success(let entry): #expect(entry == Self.validEntry(), "only the valid entry parses: \(text)")
            case .failure(let error): #expect(!error.description.isEmpty)
            }
        }
    }

    /// Each field of an entry with hostile values, and the field the refusal must name.
    static func hostileFields() -> [(String, Any, String)] {
        [
            ("format", 2, "format"), ("name", "../../etc/passwd", "name"), ("name", "han-ru", "name"),
            ("bot", "lumen", "bot"), ("taken_at", "2026-12-07T14:30:00Z", "taken_at"), ("brand", "", "brand"),
            ("brand", String(repeating: "b", count: 65), "brand"), ("brand", "a\nb", "brand"), ("size", -1, "size"),
            ("sha256", String(repeating: "A", count: 64), "sha256"), ("sha256", "abc", "sha256"),
            ("manifest_sha256", String(repeating: "g", count: 64), "manifest_sha256"),
            ("migrations", Array(repeating: "host.v1", count: 1_001), "migrations"), ("migrations", [""], "migrations"),
            ("migrations", [String(repeating: "m", count: 201)], "migrations"), ("poll_offset", -5, "poll_offset"),
            ("pending_updates", -1, "pending"), ("size", "big", "size"), ("sha256", NSNull(), "sha256"),
        ]
    }

    @Test("an entry with one hostile field is refused naming that field")
    func hostileFieldsAreNamed() throws {
        let valid = try JSONSerialization.jsonObject(with: try Self.validEntry().encoded()) as! [String: Any]
        for (key, value, named) in Self.hostileFields() {
            var object = valid
            object[key] = value
            let data = try JSONSerialization.data(withJSONObject: object)
            #expect(throws: CatalogError.self, "\(key) = \(value)") { _ = try CatalogEntry.parse(data) }
            do {
                _ = try CatalogEntry.parse(data)
            } catch {
                #expect(error.description.contains(named), "\(key): \(error)")
            }
        }
    }

    @Test("an entry over 64 KiB is refused before it is decoded")
    func oversizedEntry() throws {
        var object = try JSONSerialization.jsonObject(with: try Self.validEntry().encoded()) as! [String: Any]
        object["padding"] = String(repeating: "x", count: CatalogEntry.maximumBytes)
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: CatalogError("the entry is over 65536 bytes")) { _ = try CatalogEntry.parse(data) }
    }

    @Test("--at: any text is a moment or a refusal naming the accepted form; generated moments read back")
    func atTimes() async {
        let texts = Gen.element(of: Array("0123456789-T:Z.+ ")).compactMap { $0 }.array(of: 0...70).map { String($0) }
        await propertyCheck(count: 1_000, input: texts) { text in
            if case .failure(let error) = SnapshotTime.parse(text) {
                #expect(error.description.contains("write it as 2026-12-07T14:30:00Z"))
            }
        }
        await propertyCheck(count: 300, input: Gen.int64(in: 0...253_402_300_799)) { seconds in
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect((try? SnapshotTime.parse(SnapshotTime.text(date)).get()) == date)
        }
        #expect(throws: HostError.self) { try SnapshotTime.parse(String(repeating: "1", count: 65)).get() }
    }

    @Test("a folder of hostile files lists only true entries, and names every other .json as a problem")
    func hostileFolders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-hostile-\(UUID().uuidString)")
        let folder = SnapshotFolder(root: root.path)
        let bot = root.appendingPathComponent("han-ru")
        try FileManager.default.createDirectory(at: bot, withIntermediateDirectories: true)
        let entry = Self.validEntry()
        try entry.encoded().write(to: bot.appendingPathComponent("\(entry.name).json"))
        // An entry whose content names another snapshot, a link, a folder, an oversized file, a bad name.
        var other = entry
        other.name = "han-ru-20261207T143001.000Z"
        other.takenAt = SnapshotName(parsing: other.name)!.isoTime
        try other.encoded().write(to: bot.appendingPathComponent("han-ru-20261207T150000.000Z.json"))
        try FileManager.default.createSymbolicLink(
            atPath: bot.appendingPathComponent("han-ru-20261207T160000.000Z.json").path,
            withDestinationPath: bot.appendingPathComponent("\(entry.name).json").path
        )
        try FileManager.default.createDirectory(
            at: bot.appendingPathComponent("han-ru-20261207T170000.000Z.json"),
            withIntermediateDirectories: true
        )
        try Data(repeating: 32, count: 70_000).write(to: bot.appendingPathComponent("han-ru-20261207T180000.000Z.json"))
        try Data("{}".utf8).write(to: bot.appendingPathComponent("notes.json"))
        try Data("{}".utf8).write(to: bot.appendingPathComponent(".tmp-x.json"))
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("Not An Id"),
            withIntermediateDirectories: true
        )

        let (entries, problems) = folder.list()
        #expect(entries == [entry])
        #expect(problems.count == 5, "\(problems)")
        #expect(problems.contains { $0.contains("notes.json: not named like a snapshot") })
        #expect(problems.contains { $0.contains("T150000.000Z.json: name: not the name it was found under") })
        #expect(problems.contains { $0.contains("T180000.000Z.json") && $0.contains("over 65536 bytes") })
    }
}

/// The host config's `backups:` section as hostile input.
@Suite("Backups config hostile input", .timeLimit(.minutes(2)))
struct BackupsConfigHostileInputTests {
    @Test("any text is a time of day HH:MM exactly, or nothing")
    func timesOfDay() async {
        let texts = Gen.element(of: Array("0123456789:- .\u{0}٣")).compactMap { $0 }.array(of: 0...8).map { String($0) }
        await propertyCheck(count: 2_000, input: texts) { text in
            if let (hour, minute) = BackupSchedule.timeOfDay(text) {
                #expect(text == String(format: "%02d:%02d", hour, minute))
            }
        }
        await propertyCheck(count: 300, input: zip(Gen.int(in: 0...23), Gen.int(in: 0...59))) { hour, minute in
            let parsed = BackupSchedule.timeOfDay(String(format: "%02d:%02d", hour, minute))
            #expect(parsed?.0 == hour && parsed?.1 == minute)
        }
    }

    @Test("any section is a config or an error naming a key under backups, never a crash")
    func sections() async {
        let values = Gen.element(of: [
            nil, "", "03:30", "3:30", "24:00", "6h", "0h", "30m", "9999w", "UTC", "Europe/Berlin", "../x", "/srv/b",
            "/a/../b", "relative", String(repeating: "/a", count: 600), "\u{0}",
        ]).compactMap { $0 }
        let keeps = Gen.element(of: [nil, -1, 0, 1, 7, 1_001]).compactMap { $0 }
        let input = zip(values, values, values, keeps, keeps, values.array(of: 0...18))
        await propertyCheck(count: 2_000, input: input) { daily, zone, every, keepDaily, keepWeekly, folders in
            let document = BackupsConfig.Document(
                schedule: .init(daily: daily, time_zone: zone, every: every),
                keep: .init(daily: keepDaily, weekly: keepWeekly),
                destinations: folders.compactMap { $0 }
            )
            do {
                let config = try BackupsConfig.make(document)
                #expect((1...16).contains(config.destinations.count))
                #expect(
                    config.destinations.allSatisfy {
                        guard case .folder(let path) = $0 else { return false }
                        return path.hasPrefix("/") && !path.contains("/../")
                    }
                )
                #expect(config.keepDaily + config.keepWeekly > 0)
            } catch {
                #expect("\(error)".hasPrefix("backups."), "\(error)")
            }
        }
    }
}
