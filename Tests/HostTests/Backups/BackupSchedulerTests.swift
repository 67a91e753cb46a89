import Foundation
import GRDB
@testable import Host
import Logging
import Storage
import Tenant
import Testing

/// Scheduled backups: the config section, the schedule, what is kept, and a run that meets a
/// stopped bot, a bot that is writing and a destination that is down.
@Suite("Backups: schedule", .timeLimit(.minutes(2)))
struct BackupSchedulerTests {
    static func config(_ yaml: String) throws -> HostConfig {
        let folder = try ManifestFolder()
        return try HostConfig.load(path: try folder.write("aviary.yaml", yaml))
    }

    @Test("the backups section: a daily time in a zone or an interval, keep counts, destinations")
    func section() throws {
        let daily = try Self.config(
            "backups:\n  schedule: {daily: \"03:30\", time_zone: Europe/Berlin}\n  keep: {daily: 3}\n  destinations: [/srv/b]\n"
        )
        #expect(
            daily.backups
                == BackupsConfig(
                    schedule: .daily(hour: 3, minute: 30, timeZone: TimeZone(identifier: "Europe/Berlin")!),
                    keepDaily: 3,
                    keepWeekly: 4,
                    destinations: [.folder("/srv/b")]
                )
        )
        let every = try Self.config("backups:\n  schedule: {every: 6h}\n  destinations: [/a, /b]\n")
        #expect(every.backups?.schedule == .every(.seconds(6 * 3_600)))
        #expect(try Self.config("api: {}\n").backups == nil)
        for (yaml, message) in [
            ("backups: {destinations: [/a]}", "backups.schedule: missing"),
            (
                "backups: {schedule: {daily: \"3:30\"}, destinations: [/a]}",
                "backups.schedule.daily: '3:30' is not a time of day"
            ),
            ("backups: {schedule: {daily: \"24:00\"}, destinations: [/a]}", "backups.schedule.daily"),
            (
                "backups: {schedule: {daily: \"03:00\", time_zone: Mars/Olympus}, destinations: [/a]}",
                "backups.schedule.time_zone"
            ),
            ("backups: {schedule: {daily: \"03:00\", every: 1d}, destinations: [/a]}", "exactly one of"),
            ("backups: {schedule: {every: 30m}, destinations: [/a]}", "backups.schedule.every: '30m' not a duration"),
            ("backups: {schedule: {every: 1d}, destinations: []}", "backups.destinations: list 1 to 16"),
            ("backups: {schedule: {every: 1d}, destinations: [relative/path]}", "backups.destinations[0]"),
            ("backups: {schedule: {every: 1d}, destinations: [/a/../etc]}", "backups.destinations[0]"),
            (
                "backups: {schedule: {every: 1d}, keep: {daily: 0, weekly: 0}, destinations: [/a]}",
                "backups.keep: daily and weekly are both 0"
            ),
            (
                "backups: {schedule: {every: 1d}, keep: {weekly: -1}, destinations: [/a]}",
                "backups.keep.weekly: -1 is out of range"
            ),
        ] {
            #expect(throws: HostConfigError.self, "\(yaml)") { _ = try Self.config(yaml + "\n") }
            do {
                _ = try Self.config(yaml + "\n")
            } catch {
                #expect("\(error)".contains(message), "\(yaml): \(error)")
            }
        }
    }

    @Test("the next run: the time of day in its zone, across a clock change; an interval from the last run")
    func nextRun() throws {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let schedule = BackupSchedule.daily(hour: 2, minute: 30, timeZone: berlin)
        // 2026-03-29: Berlin skips 02:00–03:00; the run happens at the next time that exists.
        let before = try Date("2026-03-28T12:00:00Z", strategy: .iso8601)
        let first = schedule.next(after: before)
        let skipped = [
            try Date("2026-03-29T01:30:00Z", strategy: .iso8601), try Date("2026-03-29T01:00:00Z", strategy: .iso8601),
        ]
        #expect(skipped.contains(first), "\(first)")
        let second = schedule.next(after: first)
        #expect(second == (try Date("2026-03-30T00:30:00Z", strategy: .iso8601)), "\(second)")
        #expect(BackupSchedule.every(.seconds(3_600)).next(after: before) == before.addingTimeInterval(3_600))
    }

    @Test("keeping: the newest of each of the last days and weeks, and always the newest")
    func keeping() throws {
        func entry(_ stamp: String) -> CatalogEntry { .fixture(bot: "bot", stamp: stamp) }
        let entries = [
            "20261207T030000.000Z", "20261207T150000.000Z", "20261206T030000.000Z", "20261205T030000.000Z",
            "20261130T030000.000Z", "20261123T030000.000Z", "20261116T030000.000Z",
        ].map(entry)
        let kept = BackupKeeping.kept(entries, daily: 2, weekly: 2, timeZone: TimeZone(identifier: "UTC")!)
        // Days: Dec 7 (15:00), Dec 6. ISO weeks start on Monday, Dec 7: that week's newest is Dec 7
        // 15:00, the week of Nov 30's is Dec 6 (a Sunday).
        #expect(kept == ["bot-20261207T150000.000Z", "bot-20261206T030000.000Z"])
        let weekly = BackupKeeping.kept(entries, daily: 1, weekly: 4, timeZone: TimeZone(identifier: "UTC")!)
        #expect(
            weekly == [
                "bot-20261207T150000.000Z", "bot-20261206T030000.000Z", "bot-20261123T030000.000Z",
                "bot-20261116T030000.000Z",
            ]
        )
        #expect(BackupKeeping.kept(entries, daily: 0, weekly: 0, timeZone: .gmt) == ["bot-20261207T150000.000Z"])
    }

    /// A scheduler over one bot's data folder, backing up to `destinations`.
    static func scheduler(
        _ fixture: BackupFixture,
        destinations: [BackupDestination],
        table: BotTable,
        registry: MetricsRegistry,
        logger: Logger = Logger(label: "test")
    ) -> BackupScheduler {
        BackupScheduler(
            config: BackupsConfig(
                schedule: .every(.seconds(3_600)),
                keepDaily: 2,
                keepWeekly: 0,
                destinations: destinations
            ),
            table: table,
            options: HostOptions(
                botsDirectory: fixture.root.path,
                dataDirectory: fixture.dataDirectory,
                publicURL: nil
            ),
            databases: OpenDatabases(limit: 2),
            board: BackupStatusBoard(),
            logger: logger,
            metricsFactory: DocumentedPrometheusFactory(registry: registry),
            retryDelay: .zero
        )
    }

    @Test("a run backs up a stopped bot to every destination, keeps by day, reports in metrics")
    func run() async throws {
        let fixture = try BackupFixture()
        let table = BotTable()
        var manifest = BotManifest(id: "han-ru", name: "Han", file: fixture.manifestPath)
        manifest.brand = "han"
        table.set(.init(manifest: manifest, state: .stopped))
        let store = try await fixture.openStore()
        try await fixture.write(offset: 3, value: "x", into: store)
        await store.close()
        let registry = MetricsRegistry()
        let destinations = ["one", "two"].map { fixture.root.appendingPathComponent($0).path }
        let scheduler = Self.scheduler(
            fixture, destinations: destinations.map(BackupDestination.folder), table: table, registry: registry)
        let day = try Date("2026-12-07T03:00:00Z", strategy: .iso8601)
        for offset: TimeInterval in [0, 3_600, 86_400, 2 * 86_400] {
            await scheduler.runOnce(at: day.addingTimeInterval(offset))
        }
        for destination in destinations {
            let names = SnapshotFolder(root: destination).list().entries.map(\.name)
            #expect(names == ["han-ru-20261208T030000.000Z", "han-ru-20261209T030000.000Z"], "\(destination)")
        }
        #expect(scheduler.board["han-ru"]?.lastSuccessAt == day.addingTimeInterval(2 * 86_400))
        #expect(scheduler.board["han-ru"]?.failures == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scheduler.spool.folder(of: "han-ru")).isEmpty)
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let last = Int(day.timeIntervalSince1970) + 2 * 86_400
        #expect(text.contains("aviary_backup_last_success_timestamp_seconds{bot=\"han-ru\"} \(last).0"), "\(text)")
    }

    @Test("a run while the bot writes and is stopping backs it up whole, and the bot's writes never fail")
    func runWhileWriting() async throws {
        let fixture = try BackupFixture()
        let table = BotTable()
        table.set(.init(manifest: BotManifest(id: "han-ru", name: "Han", file: fixture.manifestPath), state: .stopping))
        let databases = OpenDatabases(limit: 2)
        let store = try await fixture.openStore(databases)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let writer = Task {
            for index in 0..<300 {
                try await fixture.write(offset: Int64(index), value: "v\(index)", into: store)
                if index == 20 { startedContinuation.yield() }
            }
            startedContinuation.finish()
        }
        for await _ in started { break }
        let destination = fixture.root.appendingPathComponent("out").path
        let scheduler = BackupScheduler(
            config: BackupsConfig(schedule: .every(.seconds(3_600)), destinations: [.folder(destination)]),
            table: table,
            options: HostOptions(
                botsDirectory: fixture.root.path,
                dataDirectory: fixture.dataDirectory,
                publicURL: nil
            ),
            databases: databases,
            board: BackupStatusBoard(),
            logger: Logger(label: "test"),
            metricsFactory: DocumentedPrometheusFactory(registry: MetricsRegistry()),
            retryDelay: .zero
        )
        await scheduler.runOnce(at: Date())
        try await writer.value
        await store.close()

        #expect(scheduler.board["han-ru"]?.lastSuccessAt != nil)
        let entry = try #require(SnapshotFolder(root: destination).list().entries.first)
        let state = try BackupFixture.state(
            at: SnapshotFolder(root: destination).databasePath(try #require(entry.snapshotName))
        )
        // The offset and the value are written in one transaction: the snapshot holds a pair.
        #expect(state.value == state.offset.map { "v\($0)" }, "\(state)")
        #expect(try BackupFixture.state(at: fixture.databasePath) == (299, "v299"))
    }

    @Test("a destination that is down is tried again, then reported; the other destinations and the bot go on")
    func destinationDown() async throws {
        let fixture = try BackupFixture()
        let table = BotTable()
        table.set(.init(manifest: BotManifest(id: "han-ru", name: "Han", file: fixture.manifestPath), state: .running))
        let store = try await fixture.openStore()
        try await fixture.write(offset: 3, value: "x", into: store)
        let down = fixture.root.appendingPathComponent("down").path
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: down))
        let up = fixture.root.appendingPathComponent("up").path
        let registry = MetricsRegistry()
        let scheduler = Self.scheduler(
            fixture, destinations: [.folder(down), .folder(up)], table: table, registry: registry)
        await scheduler.runOnce(at: Date())
        // The bot writes on while and after its backup failed.
        try await fixture.write(offset: 4, value: "y", into: store)
        await store.close()

        let status = try #require(scheduler.board["han-ru"])
        #expect(status.lastSuccessAt == nil && status.failures == 1)
        #expect(status.lastFailure?.hasPrefix("\(down): ") == true, "\(status)")
        #expect(SnapshotFolder(root: up).list().entries.count == 1)
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("aviary_backup_failures_total{bot=\"han-ru\"} 1"), "\(text)")
    }
}
