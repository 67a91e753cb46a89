import Crypto
import FakeBotAPI
import Foundation
@testable import Host
import HTTPTypes
import Hummingbird
import Logging
import Storage
import Synchronization
import Tenant
import Testing

/// The S3 destination against a real S3-compatible server on loopback (``MotoServer``): a
/// snapshot up and back down, the schedule with its pruning, a store that is down, a damaged
/// object, and what the config accepts.
@Suite("Backups: S3 destination", .timeLimit(.minutes(5)))
struct S3BackupTests {
    /// A secret no log, error or status may carry.
    static let secret = "s3cret-" + String(repeating: "Q", count: 33)

    /// A credentials file in `fixture`'s folder.
    static func credentialsFile(_ fixture: BackupFixture) throws -> String {
        let path = fixture.root.appendingPathComponent("s3.credentials").path
        try "[default]\naws_access_key_id = AKIDTEST\naws_secret_access_key = \(secret)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The location of `bucket` on `moto`, read as the host reads it.
    static func location(_ moto: MotoServer, _ fixture: BackupFixture, bucket: String, prefix: String = "")
        throws -> S3Location
    {
        let url = moto.url(bucket: bucket, prefix: prefix, credentialsFile: try credentialsFile(fixture))
        return try S3Location.parse(url, environment: [:])
    }

    @Test("a snapshot goes up whole, lists, and comes back down checked: the restore holds the snapshot's state")
    func upAndDown() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        try await moto.createBucket("aviary-backups")
        let fixture = try BackupFixture()
        let store = try await fixture.openStore()
        try await fixture.write(offset: 41, value: "snapshot", into: store)
        let spool = SnapshotFolder(root: fixture.dataDirectory + "/snapshots")
        let entry = try await spool.take(fixture.source, databases: OpenDatabases())
        let bucket = S3SnapshotStore(
            client: S3Client(location: try Self.location(moto, fixture, bucket: "aviary-backups", prefix: "host-1/a"))
        )
        try await bucket.add(entry, from: spool)
        spool.remove(try #require(entry.snapshotName))
        try await fixture.write(offset: 42, value: "later", into: store)
        await store.close()

        let listed = try await bucket.list(botID: nil)
        #expect(listed.entries == [entry] && listed.problems.isEmpty, "\(listed)")
        #expect(try await bucket.list(botID: "other").entries.isEmpty)
        let keys = try await bucket.client.list(prefix: "")
        let name = entry.name
        #expect(Set(keys) == Set(["sqlite", "manifest.yaml", "json"].map { "host-1/a/han-ru/\(name).\($0)" }))

        let local = try await bucket.local(entry, spool: spool)
        let prepared = try await fixture.restore(entry).withFolder(local).prepare()
        _ = try await fixture.restore(entry).withFolder(local).swap(prepared)
        #expect(try BackupFixture.state(at: fixture.databasePath) == (41, "snapshot"))
        spool.remove(try #require(entry.snapshotName))

        try await bucket.remove(try #require(entry.snapshotName))
        #expect(try await bucket.client.list(prefix: "").isEmpty)
    }

    @Test("a damaged object is refused when it comes down, and nothing is left of it")
    func damagedObject() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        try await moto.createBucket("aviary-backups")
        let fixture = try BackupFixture()
        let store = try await fixture.openStore()
        try await fixture.write(offset: 7, value: "kept", into: store)
        await store.close()
        let spool = SnapshotFolder(root: fixture.dataDirectory + "/snapshots")
        let entry = try await spool.take(fixture.source, databases: OpenDatabases())
        let bucket = S3SnapshotStore(
            client: S3Client(location: try Self.location(moto, fixture, bucket: "aviary-backups"))
        )
        try await bucket.add(entry, from: spool)
        let name = try #require(entry.snapshotName)
        // The same number of bytes, one bit flipped, written by a client the bucket trusts.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: spool.databasePath(name)))
        spool.remove(name)
        bytes[bytes.count / 2] ^= 0x01
        let damaged = fixture.root.appendingPathComponent("damaged.sqlite").path
        try bytes.write(to: URL(fileURLWithPath: damaged))
        try await bucket.client.put("han-ru/\(name).sqlite", file: damaged, sha256: nil)

        await #expect {
            _ = try await bucket.local(entry, spool: spool)
        } throws: { error in
            "\(error)".contains("does not match the catalog's checksum")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.folder(of: "han-ru")).isEmpty)
    }

    @Test("the schedule backs up into a bucket and prunes it by keep, like a folder")
    func schedule() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        try await moto.createBucket("aviary-backups")
        let fixture = try BackupFixture()
        let table = BotTable()
        table.set(.init(manifest: BotManifest(id: "han-ru", name: "Han", file: fixture.manifestPath), state: .stopped))
        let store = try await fixture.openStore()
        try await fixture.write(offset: 3, value: "x", into: store)
        await store.close()
        let location = try Self.location(moto, fixture, bucket: "aviary-backups", prefix: "nightly")
        let registry = MetricsRegistry()
        let scheduler = BackupSchedulerTests.scheduler(
            fixture,
            destinations: [.s3(location)],
            table: table,
            registry: registry
        )
        let day = try Date("2026-12-07T03:00:00Z", strategy: .iso8601)
        for offset: TimeInterval in [0, 3_600, 86_400, 2 * 86_400] {
            await scheduler.runOnce(at: day.addingTimeInterval(offset))
        }
        let names = try await S3SnapshotStore(client: S3Client(location: location)).list(botID: "han-ru").entries
            .map(\.name)
        #expect(names == ["han-ru-20261208T030000.000Z", "han-ru-20261209T030000.000Z"])
        #expect(scheduler.board["han-ru"]?.lastSuccessAt == day.addingTimeInterval(2 * 86_400))
        #expect(scheduler.board["han-ru"]?.failures == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scheduler.spool.folder(of: "han-ru")).isEmpty)
    }

    @Test("a store that is down is tried again, then reported without a key; the folder and the bot go on")
    func storeDown() async throws {
        let moto = try await MotoServer()
        let fixture = try BackupFixture()
        let location = try Self.location(moto, fixture, bucket: "aviary-backups")
        moto.stop()
        let table = BotTable()
        table.set(.init(manifest: BotManifest(id: "han-ru", name: "Han", file: fixture.manifestPath), state: .running))
        let store = try await fixture.openStore()
        try await fixture.write(offset: 3, value: "x", into: store)
        let folder = fixture.root.appendingPathComponent("folder").path
        let registry = MetricsRegistry()
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "s3-test") { label in
            HostLogHandler(
                logLevel: .info,
                label: label,
                format: .text,
                recentErrors: nil,
                output: LogOutput { line in lines.withLock { $0.append(line) } }
            )
        }
        let scheduler = BackupSchedulerTests.scheduler(
            fixture,
            destinations: [.s3(location), .folder(folder)],
            table: table,
            registry: registry,
            logger: logger
        )
        await scheduler.runOnce(at: Date())
        try await fixture.write(offset: 4, value: "y", into: store)
        await store.close()

        let status = try #require(scheduler.board["han-ru"])
        #expect(status.lastSuccessAt == nil && status.failures == 1)
        let reason = try #require(status.lastFailure)
        #expect(reason.hasPrefix("s3://aviary-backups/ at \(moto.endpoint): PUT "), "\(reason)")
        #expect(reason.hasSuffix("(after 3 tries)"), "\(reason)")
        #expect(!reason.contains(Self.secret) && !reason.contains("AKIDTEST"), "\(reason)")
        let logged = lines.withLock { $0 }
        for attempt in 1...3 {
            #expect(logged.filter { $0.contains("backup copy failed (try \(attempt) of 3)") }.count == 1, "\(logged)")
        }
        #expect(!logged.contains { $0.contains(Self.secret) || $0.contains("AKIDTEST") }, "\(logged)")
        #expect(SnapshotFolder(root: folder).list().entries.count == 1)
        #expect(try BackupFixture.state(at: fixture.databasePath) == (4, "y"))
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self).contains("aviary_backup_failures_total{bot=\"han-ru\"} 1"))
    }

    @Test("the host config takes s3:// destinations and names the field of a bad one, at load time")
    func config() throws {
        let fixture = try BackupFixture()
        let credentials = try Self.credentialsFile(fixture)
        let good = try BackupSchedulerTests.config(
            "backups:\n  schedule: {every: 1d}\n  destinations:\n    - /srv/b\n"
                + "    - s3://aviary-backups/host-1?endpoint=http://127.0.0.1:9000&credentials_file=\(credentials)\n"
        )
        guard case .s3(let location) = good.backups?.destinations.last else {
            Issue.record("not an S3 destination: \(String(describing: good.backups))")
            return
        }
        #expect(location.bucket == "aviary-backups" && location.prefix == "host-1/" && location.pathStyle)
        #expect(location.credentials.secretKey == Self.secret && location.credentials.accessKey == "AKIDTEST")
        #expect(!"\(location)".contains(Self.secret) && !String(reflecting: location).contains(Self.secret))
        // AWS itself: virtual-hosted addressing, unless the bucket has dots.
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": Self.secret]
        let aws = try S3Location.parse("s3://aviary-backups/p?region=eu-west-1", environment: keys)
        #expect(aws.scheme == "https" && aws.authority == "aviary-backups.s3.eu-west-1.amazonaws.com")
        #expect(aws.path(of: "p/k") == "/p/k" && aws.bucketPath == "/" && !aws.pathStyle)
        let dotted = try S3Location.parse("s3://aviary.backups", environment: keys)
        #expect(dotted.pathStyle && dotted.authority == "s3.us-east-1.amazonaws.com")
        #expect(dotted.path(of: "k") == "/aviary.backups/k")
        for (destination, message) in [
            ("s4://aviary-backups", "backups.destinations[0]: path: 's4://aviary-backups' is not an absolute folder"),
            ("s3://?endpoint=http://127.0.0.1:9000", "backups.destinations[0]: bucket: '' is not 3 to 63"),
            ("s3://Aviary_Backups", "backups.destinations[0]: bucket: 'Aviary_Backups' holds a character"),
            ("s3://aviary-backups", "backups.destinations[0]: credentials: none: set AWS_ACCESS_KEY_ID"),
            ("s3://aviary-backups?credentials_file=/nonexistent/s3", "credentials_file: cannot read /nonexistent/s3"),
            ("s3://aviary-backups?endpoint=ftp://x", "backups.destinations[0]: endpoint: 'ftp://x' is not http(s)"),
            ("s3://aviary-backups/a/../b?credentials_file=\(credentials)", "backups.destinations[0]: prefix:"),
            ("s3://AKID:\(Self.secret)@aviary-backups", "backups.destinations[0]: url: keys and ports do not go"),
            ("s3://aviary-backups?secret=\(Self.secret)", "url: unknown setting 'secret'"),
        ] {
            do {
                _ = try BackupSchedulerTests.config(
                    "backups:\n  schedule: {every: 1d}\n  destinations: [\"\(destination)\"]\n"
                )
                Issue.record("\(destination) was accepted")
            } catch {
                #expect(error is HostConfigError, "\(destination)")
                #expect("\(error)".contains(message), "\(destination): \(error)")
                #expect(!"\(error)".contains(Self.secret), "\(error)")
            }
        }
    }
}

extension SnapshotRestore {
    /// The same restore, from `folder`.
    func withFolder(_ folder: SnapshotFolder) -> SnapshotRestore {
        SnapshotRestore(
            folder: folder,
            entry: entry,
            databasePath: databasePath,
            knownMigrations: knownMigrations,
            plugins: plugins
        )
    }
}

/// What an upload sends, seen by a store that answers with a wrong ETag.
@Suite("Backups: S3 upload checks", .timeLimit(.minutes(1)))
struct S3UploadCheckTests {
    @Test(
        "an upload signs its SHA-256 and sends its MD5 for the store to check; an ETag that is not the MD5 is refused"
    )
    func uploadChecks() async throws {
        let seen = Mutex<[String: String]>([:])
        let server = try await LoopbackServer.start(name: "fake-s3", logger: Logger(label: "fake-s3")) { router in
            router.put("**") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                seen.withLock { headers in
                    headers["received"] = SigV4.hex(SHA256.hash(data: Data(body.readableBytesView)))
                    for name in ["x-amz-content-sha256", "Content-MD5", "Authorization"] {
                        headers[name] = request.headers[HTTPField.Name(name)!]
                    }
                }
                var fields = HTTPFields()
                fields[HTTPField.Name("ETag")!] = "\"00000000000000000000000000000000\""
                return Response(status: .ok, headers: fields)
            }
        }
        let fixture = try BackupFixture()
        let file = fixture.root.appendingPathComponent("upload.bin").path
        let bytes = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try bytes.write(to: URL(fileURLWithPath: file))
        let location = try S3Location.parse(
            "s3://aviary-backups?endpoint=http://127.0.0.1:\(server.port)",
            environment: ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": S3BackupTests.secret]
        )
        await #expect {
            try await S3Client(location: location).put("han-ru/x.sqlite", file: file, sha256: nil)
        } throws: { error in
            "\(error)".contains("the store's ETag 00000000000000000000000000000000 is not the MD5 of the bytes sent")
        }
        await server.stop()
        let headers = seen.withLock { $0 }
        let sha256 = SigV4.hex(SHA256.hash(data: bytes))
        #expect(headers["received"] == sha256 && headers["x-amz-content-sha256"] == sha256)
        #expect(headers["Content-MD5"] == Data(Insecure.MD5.hash(data: bytes)).base64EncodedString())
        let authorization = try #require(headers["Authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTEST/"), "\(authorization)")
        #expect(authorization.contains("/us-east-1/s3/aws4_request, "), "\(authorization)")
        #expect(
            authorization.contains("SignedHeaders=content-md5;host;x-amz-content-sha256;x-amz-date, "),
            "\(authorization)"
        )
        #expect(!authorization.contains(S3BackupTests.secret))
    }
}
