import FakeBotAPI
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// `aviary backup`, `restore` and `backups list` as an operator runs them, against the real
/// binary and the fake Bot API.
@Suite("End to end: backup and restore", .serialized, .timeLimit(.minutes(5)))
struct BackupEndToEndTests {
    static let adminToken = "backup-admin-token-" + String(repeating: "k", count: 16)

    /// A sandbox with `count` echo bots on `fake`; returns their tokens by id.
    static func bots(_ count: Int, fake: FakeBotAPI, sandbox: HostSandbox) throws -> [String: String] {
        var tokens: [String: String] = [:]
        for index in 0..<count {
            let id = "bot\(index)"
            let token = "\(6600 + index):" + String(repeating: Character(UnicodeScalar(UInt8(97 + index))), count: 35)
            tokens[id] = token
            fake.addBot(token: token, userID: Int64(6600 + index), username: "\(id)_bot")
            try sandbox.writeManifest(
                id,
                "brand: han\n"
                    + BinaryEndToEndTests.manifest(
                        id: id,
                        token: token,
                        apiURL: fake.baseURL,
                        plugins: BinaryEndToEndTests.echo
                    )
            )
        }
        return tokens
    }

    /// A host running one echo bot (`bot0`) on `fake`, after `count` messages of `user` (`<text> #i`)
    /// were answered.
    static func runningHost(
        _ fake: FakeBotAPI, _ sandbox: HostSandbox, user: FakeUser, answered count: Int, text: String
    ) async throws -> (host: AviaryProcess, port: Int, token: String) {
        let token = try bots(1, fake: fake, sandbox: sandbox)["bot0"]!
        let host = try AviaryProcess(
            arguments: sandbox.runArguments,
            environment: ["AVIARY_ADMIN_TOKEN": adminToken],
            logPath: sandbox.logPath
        )
        let port = try await host.httpPort()
        for index in 0..<count { _ = fake.sendText(token: token, chatID: user.id, from: user, text: "\(text) #\(index)") }
        await fake.waitForSentMessages(tokens: [token], total: count)
        return (host, port, token)
    }

    /// Runs `aviary backup <selection> --to <destination>` against the running `host`, expects it
    /// to succeed, then stops the host and `fake`; returns the command's output.
    static func backUpAndStop(
        _ selection: [String], to destination: String, sandbox: HostSandbox, host: AviaryProcess, port: Int,
        fake: FakeBotAPI
    ) async throws -> String {
        let (status, output) = try await run(["backup"] + selection + ["--to", destination], sandbox: sandbox, port: port)
        #expect(status == 0, "\(output)")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
        return output
    }

    /// Runs `aviary <arguments>` to its end; returns its exit status and output.
    static func run(_ arguments: [String], sandbox: HostSandbox, port: Int? = nil) async throws -> (Int32, String) {
        var all = arguments
        if arguments[0] != "backups" {
            all += ["--bots-dir", sandbox.botsDirectory, "--data-dir", sandbox.dataDirectory]
        }
        if let port { all += ["--api", "http://127.0.0.1:\(port)"] }
        let process = try AviaryProcess(
            arguments: all,
            environment: ["AVIARY_ADMIN_TOKEN": adminToken],
            logPath: sandbox.logPath + ".\(arguments[0]).\(UUID().uuidString)"
        )
        let status = try await process.waitForExit(timeout: .seconds(120))
        return (status, process.log)
    }

    /// The update ids in the inbox of the database at `path`, by status.
    /// The audit log's actions about `bot`, oldest first, with their actors.
    static func auditActions(_ dataDirectory: String, bot: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: dataDirectory + "/host.sqlite", configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT actor, action FROM audit_log WHERE bot = ? ORDER BY id", arguments: [bot])
                .map { row in "\(row["actor"] as String) \(row["action"] as String)" }
        }
    }

    static func inbox(_ path: String) throws -> [String: Set<Int64>] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            var result: [String: Set<Int64>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT update_id, status FROM inbox") {
                result[row["status"], default: []].insert(row["update_id"])
            }
            return result
        }
    }

    /// The payloads of the replies pending in the database at `path`.
    static func pendingReplies(_ path: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM outbox WHERE status = 'pending' ORDER BY id")
        }
    }

    @Test(
        "the drill: back up a running bot, keep traffic going, kill the host, restore, restart: the bot answers from the snapshot's state"
    )
    func drill() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        let user = FakeUser(id: 77, firstName: "Ada")
        var (host, port, token) = try await Self.runningHost(fake, sandbox, user: user, answered: 20, text: "before")

        let destination = sandbox.root.appendingPathComponent("backups").path
        let (status, output) = try await Self.run(
            ["backup", "--bot", "bot0", "--to", destination],
            sandbox: sandbox,
            port: port
        )
        #expect(status == 0, "\(output)")
        try await host.waitForLog("snapshot bot0-")

        for index in 0..<10 { _ = fake.sendText(token: token, chatID: user.id, from: user, text: "after #\(index)") }
        await fake.waitForSentMessages(tokens: [token], total: 30)
        // A poll that begins after the last reply confirms every update so far to the fake.
        let polls = fake.calls(token: token).filter { $0.method == "getUpdates" }.count
        await fake.waitForCalls(token: token, method: "getUpdates", count: polls + 1)
        host.crash()

        let (listed, listing) = try await Self.run(["backups", "list", "--from", destination], sandbox: sandbox)
        #expect(listed == 0 && listing.contains("1 snapshot(s)"), "\(listing)")
        let snapshotFile = try #require(
            try FileManager.default.contentsOfDirectory(atPath: destination + "/bot0").first { $0.hasSuffix(".sqlite") }
        )
        let snapshotInbox = try Self.inbox(destination + "/bot0/" + snapshotFile)
        #expect(snapshotInbox["done"]?.count == 20 && snapshotInbox["pending"] == nil)
        // Replies whose "sent" mark had not been committed yet are pending in the snapshot: the
        // restored bot sends them again (the README says so).
        let unsent = try Self.pendingReplies(destination + "/bot0/" + snapshotFile)

        let (restored, restoreOutput) = try await Self.run(
            ["restore", "--bot", "bot0", "--from", destination],
            sandbox: sandbox
        )
        #expect(restored == 0, "\(restoreOutput)")
        #expect(restoreOutput.contains("the old database is kept as"))
        let databasePath = sandbox.dataDirectory + "/bot0.sqlite"
        #expect(try Self.inbox(databasePath) == snapshotInbox, "the restored state is the snapshot's")

        host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath + ".2")
        try await host.waitForLog("bot started")
        _ = fake.sendText(token: token, chatID: user.id, from: user, text: "again")
        await fake.waitForSentMessages(tokens: [token], total: 31 + unsent.count)
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()

        let texts = fake.sentMessages(token: token).map(\.text)
        let resent = texts.suffix(1 + unsent.count).filter { $0 != "again" }
        #expect(texts.suffix(1 + unsent.count).contains("again") && resent.count == unsent.count, "\(texts.suffix(5))")
        for text in resent {
            #expect(unsent.contains { $0.contains("\"text\":\"\(text)\"") }, "\(text) was pending in the snapshot")
        }
        #expect(unsent.count <= 8, "at most concurrent_sends replies lack their mark")
        for index in 0..<10 {
            #expect(
                texts.filter { $0 == "after #\(index)" }.count == 1,
                "an update after the snapshot is not applied again"
            )
        }
        let inbox = try Self.inbox(databasePath)
        #expect(inbox["done"]?.count == 21, "the snapshot's 20 updates and the new one: \(inbox)")
    }

    @Test("restore on a running host stops the bot through the API, swaps its database, and starts it again")
    func restoreOnRunningHost() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        let user = FakeUser(id: 78, firstName: "Bo")
        let (host, port, token) = try await Self.runningHost(fake, sandbox, user: user, answered: 5, text: "one")
        let destination = sandbox.root.appendingPathComponent("backups").path
        #expect(
            try await Self.run(["backup", "--bot", "bot0", "--to", destination], sandbox: sandbox, port: port).0 == 0
        )
        for index in 0..<5 { _ = fake.sendText(token: token, chatID: user.id, from: user, text: "two #\(index)") }
        await fake.waitForSentMessages(tokens: [token], total: 10)

        let (status, output) = try await Self.run(
            ["restore", "--bot", "bot0", "--from", destination],
            sandbox: sandbox,
            port: port
        )
        #expect(status == 0, "\(output)")
        #expect(
            output.contains("stopping bot0 on the running host") && output.contains("started bot0 again"),
            "\(output)"
        )
        try await host.waitForLog("bot started", count: 2)
        let snapshotFile = try #require(
            try FileManager.default.contentsOfDirectory(atPath: destination + "/bot0").first { $0.hasSuffix(".sqlite") }
        )
        let unsent = try Self.pendingReplies(destination + "/bot0/" + snapshotFile)
        _ = fake.sendText(token: token, chatID: user.id, from: user, text: "three")
        await fake.waitForSentMessages(tokens: [token], total: 10 + unsent.count + 1)
        #expect(fake.sentMessages(token: token).map(\.text).suffix(1 + unsent.count).contains("three"))
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()
        let inbox = try Self.inbox(sandbox.dataDirectory + "/bot0.sqlite")
        #expect(inbox["done"]?.count == 6, "the snapshot's 5 updates and the new one: \(inbox)")
        // The audit log has the snapshot the host took for `backup`, the stop and start, and the
        // restore the command did.
        let actions = try Self.auditActions(sandbox.dataDirectory, bot: "bot0")
        #expect(actions.contains("admin backup.snapshot"), "\(actions)")
        #expect(actions.contains { $0.hasPrefix("cli:") && $0.hasSuffix(" backup.restored") }, "\(actions)")
    }

    @Test("a snapshot taken through the API while bots work through a backlog holds no half-applied update")
    func snapshotUnderLoad() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        let tokens = try Self.bots(3, fake: fake, sandbox: sandbox)
        for index in 0..<400 {
            for token in tokens.values {
                let user = FakeUser(id: Int64(100 + index % 20), firstName: "U")
                _ = fake.sendText(token: token, chatID: user.id, from: user, text: "load #\(index)")
            }
        }
        let host = try AviaryProcess(
            arguments: sandbox.runArguments,
            environment: ["AVIARY_ADMIN_TOKEN": Self.adminToken],
            logPath: sandbox.logPath
        )
        let port = try await host.httpPort()
        await fake.waitForSentMessages(tokens: Array(tokens.values), total: 150)
        let destination = sandbox.root.appendingPathComponent("backups").path
        _ = try await Self.backUpAndStop(["--all"], to: destination, sandbox: sandbox, host: host, port: port, fake: fake)

        for id in tokens.keys.sorted() {
            let folder = destination + "/" + id
            let file = try #require(
                try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".sqlite") }
            )
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: folder + "/" + file, configuration: configuration)
            try await queue.read { db in
                #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
                // Every handled update has its reply in the outbox; no pending update has one.
                let halfDone = try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM inbox WHERE (status = 'done') != EXISTS (
                            SELECT 1 FROM outbox WHERE outbox.update_id = inbox.update_id)
                        """
                )
                #expect(halfDone == 0, "\(id)")
                let done = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE status = 'done'") ?? 0
                print("snapshot under load, \(id): \(done) of 400 updates done in the snapshot")
            }
            try queue.close()
        }
        let spool = try FileManager.default.contentsOfDirectory(atPath: sandbox.dataDirectory + "/snapshots/bot0")
        #expect(spool.isEmpty, "the host's copies were moved to the destination: \(spool)")
    }
}
