import Foundation
import Logging
import PropertyBased
import Synchronization
import Testing
@testable import Tenant
import Storage
import GRDB

/// One bot's updates ready at the same moment commit in one transaction, each update still all
/// or nothing; "sent" marks ride along in the next transaction.
@Suite("Group commit", .timeLimit(.minutes(3)))
struct GroupCommitTests {
    @Test("updates ready together commit in one transaction per step; a failing update fails alone")
    func readyUpdatesShareTransactions() async throws {
        // Each update's fate: handled, its plugin throws, or one of its writes fails at commit.
        await propertyCheck(count: 60, input: Gen.int(in: 0...2).array(of: 4...16)) { codes in
            try await Self.checkBatch(codes.map { FatePlugin.Fate.allCases[$0] })
        }
    }

    /// Handles a batch of updates at once and checks the commits and what each update left.
    private static func checkBatch(_ fates: [FatePlugin.Fate]) async throws {
        let store = try BotStore(
            inMemoryWith: [PluginMigrations(pluginName: FatePlugin.name, steps: FatePlugin.migrations)])
        let records = try fates.enumerated().map { index, fate in
            let payload = try JSONSerialization.data(
                withJSONObject: ["update_id": index + 1, "chat": index % 5 + 1, "text": fate.rawValue])
            return InboxRecord(
                updateID: Int64(index + 1), lane: Int64(index % 5 + 1), kind: "message", payload: payload,
                receivedAt: Date())
        }
        _ = try await store.ingest(records, nextOffset: nil)
        let counter = CommitCounter()
        try await store.withDatabase { writer in
            try await writer.writeWithoutTransaction { db in db.add(transactionObserver: counter) }
        }

        // Each update's attempt is a transaction of its own, written without a sync; then two
        // group steps: every update's effects or failure; then the failure of each update whose
        // write failed inside the first step.
        let failedWrites = fates.filter { $0 == .failingWrite }.count
        let steps = [fates.count, failedWrites]
        let commits = GroupCommit(store: store, groupSizes: { $0 < steps.count ? steps[$0] : 1 })
        let processor = Self.processor(store: store, commits: commits)
        await withTaskGroup(of: Void.self) { group in
            for record in records { group.addTask { _ = await processor.process(record) } }
        }

        let expected = fates.count + (failedWrites > 0 ? 2 : 1)
        #expect(counter.count == expected, "\(fates.count) updates \(fates): \(counter.count) commits")
        let handled = Set(fates.indices.filter { fates[$0] == .handled }.map { Int64($0 + 1) })
        let (done, failed, logged, replied, attempts) = try await store.read { db in
            (
                Set(try Int64.fetchAll(db, sql: "SELECT update_id FROM inbox WHERE status = 'done'")),
                Set(try Int64.fetchAll(db, sql: "SELECT update_id FROM inbox WHERE status = 'failed'")),
                Set(try Int64.fetchAll(db, sql: "SELECT update_id FROM fate_log")),
                Set(try Int64.fetchAll(db, sql: "SELECT update_id FROM outbox")),
                Set(try Int.fetchAll(db, sql: "SELECT attempts FROM inbox"))
            )
        }
        let all = Set((1...Int64(fates.count)))
        #expect(done == handled, "\(fates)")
        #expect(failed == all.subtracting(handled), "\(fates)")
        #expect(logged == handled, "a failed update left plugin state: \(fates)")
        #expect(replied == handled, "a failed update left outbox rows: \(fates)")
        #expect(attempts == [1])
        await store.close()
    }

    @Test("sent marks ride along in the next transaction; a flush writes only when a mark waits")
    func sentMarksRideAlong() async throws {
        let store = try BotStore(inMemoryWith: [])
        let ids = try await store.write { db in
            try (1...3).map { chat in
                var row = OutboxRecord(chatID: Int64(chat), updateID: nil, payload: "{}", createdAt: Date())
                try row.insert(db)
                return try #require(row.id)
            }
        }
        let counter = CommitCounter()
        try await store.withDatabase { writer in
            try await writer.writeWithoutTransaction { db in db.add(transactionObserver: counter) }
        }
        let commits = GroupCommit(store: store)
        func sent() async throws -> Int {
            try await store.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE status = 'sent'") ?? 0
            }
        }

        try await commits.flushSentMarks()
        #expect(counter.count == 0, "nothing waited, nothing was written")
        for id in ids.prefix(2) { commits.noteSent(outboxID: id, at: Date()) }
        #expect(try await sent() == 0)
        try await commits.write { db in try db.execute(sql: "UPDATE host_state SET value = value WHERE 0") }
        #expect(counter.count == 1)
        #expect(try await sent() == 2, "the marks rode along")
        try await commits.flushSentMarks()
        #expect(counter.count == 1, "the marks were durable already")
        commits.noteSent(outboxID: ids[2], at: Date())
        try await commits.flushSentMarks()
        #expect(counter.count == 2)
        #expect(try await sent() == 3)
        #expect(try await store.status().messagesSent == 3)
        await store.close()
    }

    @Test("a send begins only once all but the other slots' sends are on record (the crash bound)")
    func sendsWaitForEarlierMarks() async throws {
        let slots = Gen.int(in: 1...4)
        let replies = Gen.int(in: 1...6).array(of: 1...5)
        await propertyCheck(count: 12, input: slots, replies) { slots, replies in
            try await Self.checkSends(slots: slots, replies: replies)
        }
    }

    /// Runs a bot whose chats each get `replies[i]` replies to one update, with `slots` sending
    /// slots, and checks at every send how many earlier sends are not on record.
    private static func checkSends(slots: Int, replies: [Int]) async throws {
        let path = TenantHarness.temporaryDatabase()
        let scripted = ScriptedPlatform()
        let platform = RecordCheckingPlatform(inner: scripted, databasePath: path)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var limits = DeliveryLimits.unlimited
        limits.concurrentSends = slots
        let states = StateRecorder()
        let tenant = Tenant(
            configuration: TenantConfiguration(
                bot: .test, databasePath: path, pollTimeout: .seconds(1), limits: limits),
            platform: platform, source: .polling(scripted, webhooks: nil), decoder: ScriptedDecoder(),
            plugins: [RepeatPlugin()], migrations: [], logger: logger, onStateChange: { states.record($0) })
        let total = replies.reduce(0, +)
        try await tenant.running(reportingTo: states) {
            for (chat, count) in replies.enumerated() { scripted.send(chat: Int64(chat + 1), text: "\(count)") }
            _ = try await scripted.waitForPerformed(total)
        }
        let unrecorded = platform.unrecordedAtEachSend
        #expect(unrecorded.count == total)
        #expect(unrecorded.allSatisfy { $0 < slots }, "\(slots) slots, replies \(replies): unrecorded \(unrecorded)")
    }

    private static func processor(store: BotStore, commits: GroupCommit) -> UpdateProcessor {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return UpdateProcessor(
            bot: .test, identity: BotIdentity(userID: 1, username: "test_bot", displayName: "Test"),
            plugins: [FatePlugin()], store: store, decoder: ScriptedDecoder(), logger: logger, now: { Date() },
            metrics: TenantMetrics(botID: "test-bot", factory: CountingMetrics()),
            statusProvider: { throw CancellationError() }, handlingTimeout: .seconds(3600),
            handlingClock: SystemClock(), maxAttempts: 3, writer: commits, onEvent: { _ in })
    }
}

/// Counts the transactions committed on a connection.
private final class CommitCounter: TransactionObserver, Sendable {
    private let commits = Mutex(0)

    var count: Int { commits.withLock { $0 } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

/// Logs the update and replies, throws, or logs then fails a write at commit, as its text says.
private struct FatePlugin: Plugin {
    static let name = "fate"
    static let migrations = [
        PluginMigration("v1") { db in
            try db.create(table: "fate_log") { t in
                t.column("update_id", .integer).notNull()
            }
        }
    ]

    enum Fate: String, CaseIterable {
        case handled, throwing, failingWrite
    }

    init() {}
    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let text = update.message?.text, let fate = Fate(rawValue: text) else { return .passed }
        if fate == .throwing { throw FateError.thrown }
        let id = update.id
        context.storage.write { db in
            try db.execute(sql: "INSERT INTO fate_log (update_id) VALUES (?)", arguments: [id])
        }
        context.reply("handled \(id)")
        if fate == .failingWrite {
            // NOT NULL refuses it, after this update's other write went in: the savepoint takes both back.
            context.storage.write { db in try db.execute(sql: "INSERT INTO fate_log (update_id) VALUES (NULL)") }
        }
        return .handled
    }

    enum FateError: Error { case thrown }
}

/// Replies as many times as the message's text says.
private struct RepeatPlugin: Plugin {
    static let name = "repeat"

    init() {}
    init(configuration: NoConfiguration, bot: BotDescriptor) {}

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        guard let message = update.message, let count = message.text.flatMap({ Int($0) }) else { return .passed }
        for index in 0..<count { context.reply("\(message.chat.id):\(index)") }
        return .handled
    }
}

/// Forwards to a scripted platform and notes, at each send, how many earlier sends the bot's
/// database does not record as sent yet: what a kill at that moment would send again.
private final class RecordCheckingPlatform: PlatformClient {
    private let inner: ScriptedPlatform
    private let databasePath: String
    private let state = Mutex<(started: Int, unrecorded: [Int], reader: DatabaseQueue?)>((0, [], nil))

    init(inner: ScriptedPlatform, databasePath: String) {
        self.inner = inner
        self.databasePath = databasePath
    }

    var unrecordedAtEachSend: [Int] { state.withLock { $0.unrecorded } }

    func identify() async throws -> BotIdentity { try await inner.identify() }

    func perform(_ action: OutgoingAction) async throws -> DeliveryReceipt {
        let reader = try state.withLock { state in
            if let reader = state.reader { return reader }
            var configuration = Configuration()
            configuration.readonly = true
            let reader = try DatabaseQueue(path: databasePath, configuration: configuration)
            state.reader = reader
            return reader
        }
        let started = state.withLock { state in
            defer { state.started += 1 }
            return state.started
        }
        let recorded = try await reader.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE status = 'sent'") ?? 0
        }
        state.withLock { $0.unrecorded.append(started - recorded) }
        return try await inner.perform(action)
    }
}
