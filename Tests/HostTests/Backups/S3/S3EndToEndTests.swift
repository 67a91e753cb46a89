import FakeBotAPI
import Foundation
@testable import Host
import Storage
import Testing

/// `aviary backup --to s3://…`, `aviary backups list --from s3://…` and `aviary restore
/// --from s3://…` as an operator runs them: the real binary on a stopped data folder, against
/// a real S3-compatible server on loopback.
@Suite("End to end: backups in an S3 bucket", .serialized, .timeLimit(.minutes(5)))
struct S3EndToEndTests {
    /// Runs `aviary <arguments>` to its end with `environment`; returns its exit status and output.
    static func run(_ arguments: [String], _ fixture: BackupFixture, environment: [String: String] = [:])
        async throws -> (Int32, String)
    {
        var all = arguments
        if arguments[0] != "backups" { all += ["--bots-dir", fixture.root.path, "--data-dir", fixture.dataDirectory] }
        let process = try AviaryProcess(
            arguments: all,
            environment: environment,
            logPath: fixture.root.appendingPathComponent("\(arguments[0]).\(UUID().uuidString).log").path
        )
        let status = try await process.waitForExit(timeout: .seconds(120))
        return (status, process.log)
    }

    @Test("back up into a bucket, list it, restore from it; a damaged object is refused and nothing changes")
    func backupListRestore() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        try await moto.createBucket("aviary-backups")
        let fixture = try BackupFixture()
        let credentials = try S3BackupTests.credentialsFile(fixture)
        let url = moto.url(bucket: "aviary-backups", prefix: "host-1", credentialsFile: credentials)
        let store = try await fixture.openStore()
        try await fixture.write(offset: 10, value: "first", into: store)
        await store.close()

        let (status, output) = try await Self.run(["backup", "--bot", "han-ru", "--to", url], fixture)
        #expect(status == 0, "\(output)")
        #expect(output.contains("→ s3://aviary-backups/host-1/ at \(moto.endpoint)"), "\(output)")

        // The environment's keys work as well as a file's.
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": S3BackupTests.secret]
        let bare = "s3://aviary-backups/host-1?endpoint=\(moto.endpoint)"
        let (listed, listing) = try await Self.run(["backups", "list", "--from", bare], fixture, environment: keys)
        #expect(listed == 0 && listing.contains("1 snapshot(s) in s3://aviary-backups/host-1/"), "\(listing)")
        let name = try #require(listing.split(separator: " ").first.map(String.init))

        let reopened = try await fixture.openStore()
        try await fixture.write(offset: 11, value: "second", into: reopened)
        await reopened.close()
        let (restored, restoreOutput) = try await Self.run(["restore", "--bot", "han-ru", "--from", url], fixture)
        #expect(restored == 0, "\(restoreOutput)")
        #expect(try BackupFixture.state(at: fixture.databasePath) == (10, "first"))

        // One bit of the database object flipped in the bucket: the restore refuses it.
        let bucket = S3SnapshotStore(client: S3Client(location: try S3Location.parse(url, environment: [:])))
        let entry = try #require(try await bucket.list(botID: "han-ru").entries.first { $0.name == name })
        let local = try await bucket.local(
            entry,
            spool: SnapshotFolder(root: fixture.root.appendingPathComponent("x").path)
        )
        var bytes = try Data(contentsOf: URL(fileURLWithPath: local.databasePath(try #require(entry.snapshotName))))
        bytes[bytes.count - 1] ^= 0x80
        let damaged = fixture.root.appendingPathComponent("damaged.sqlite").path
        try bytes.write(to: URL(fileURLWithPath: damaged))
        try await bucket.client.put("host-1/han-ru/\(name).sqlite", file: damaged, sha256: nil)
        let changed = try await fixture.openStore()
        try await fixture.write(offset: 12, value: "third", into: changed)
        await changed.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.databasePath))

        let (refused, refusal) = try await Self.run(
            ["restore", "--bot", "han-ru", "--from", url, "--snapshot", name],
            fixture
        )
        #expect(refused != 0, "\(refusal)")
        #expect(refusal.contains("its database in s3://aviary-backups/host-1/han-ru/"), "\(refusal)")
        #expect(refusal.contains("does not match the catalog's checksum"), "\(refusal)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.databasePath)) == before)
        #expect(try BackupFixture.state(at: fixture.databasePath) == (12, "third"))
        let data = try FileManager.default.contentsOfDirectory(atPath: fixture.dataDirectory)
        #expect(!data.contains { $0.contains(".restoring-") }, "\(data)")
        let spool = try FileManager.default.contentsOfDirectory(atPath: fixture.dataDirectory + "/snapshots/han-ru")
        #expect(spool.isEmpty, "\(spool)")
        // A bad destination is refused before anything is read, naming the option and the part.
        let (badBucket, badBucketOutput) = try await Self.run(
            ["backups", "list", "--from", "s3://Bad_Bucket"],
            fixture
        )
        #expect(badBucket != 0 && badBucketOutput.contains("--from: bucket: 'Bad_Bucket' holds"), "\(badBucketOutput)")
        let (noKeys, noKeysOutput) = try await Self.run(["backup", "--all", "--to", "s3://aviary-backups"], fixture)
        #expect(
            noKeys != 0 && noKeysOutput.contains("--to: credentials: none: set AWS_ACCESS_KEY_ID"),
            "\(noKeysOutput)"
        )
        for text in [output, listing, restoreOutput, refusal] {
            #expect(!text.contains(S3BackupTests.secret), "no command prints the secret key")
        }
    }
}

extension S3EndToEndTests {
    @Test("a running host takes the snapshot, the command uploads it to the bucket and removes the host's copy")
    func backupThroughRunningHost() async throws {
        let moto = try await MotoServer()
        defer { moto.stop() }
        try await moto.createBucket("aviary-backups")
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        let user = FakeUser(id: 79, firstName: "Cy")
        let (host, port, _) = try await BackupEndToEndTests.runningHost(
            fake,
            sandbox,
            user: user,
            answered: 5,
            text: "up"
        )
        let credentials = sandbox.root.appendingPathComponent("s3.credentials").path
        try "aws_access_key_id = AKIDTEST\naws_secret_access_key = \(S3BackupTests.secret)\n"
            .write(toFile: credentials, atomically: true, encoding: .utf8)
        let url = moto.url(bucket: "aviary-backups", prefix: "host-2", credentialsFile: credentials)

        let output = try await BackupEndToEndTests.backUpAndStop(
            ["--bot", "bot0"],
            to: url,
            sandbox: sandbox,
            host: host,
            port: port,
            fake: fake
        )

        let bucket = S3SnapshotStore(client: S3Client(location: try S3Location.parse(url, environment: [:])))
        let entries = try await bucket.list(botID: "bot0").entries
        #expect(entries.count == 1 && entries.first?.pendingUpdates == 0, "\(entries)")
        let spool = try FileManager.default.contentsOfDirectory(atPath: sandbox.dataDirectory + "/snapshots/bot0")
        #expect(spool.isEmpty, "the host's copy was removed once uploaded: \(spool)")
        #expect(!output.contains(S3BackupTests.secret) && !host.log.contains(S3BackupTests.secret))
    }
}
