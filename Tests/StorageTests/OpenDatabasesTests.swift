import Foundation
import PropertyBased
import Testing
@testable import Storage
import GRDB

/// Idle bots hold no database, and open databases stay bounded however many bots there are.
@Suite("Open databases: opened on work, closed when idle, bounded", .timeLimit(.minutes(3)))
struct OpenDatabasesTests {
    let folder = DatabaseDescriptors.temporaryFolder()

    func path(_ name: String) -> String { folder.appendingPathComponent("\(name).sqlite").path }

    /// A store whose table `n` counts the writes it took.
    func counter(_ name: String, in databases: OpenDatabases) async throws -> BotStore {
        let store = try await BotStore.open(path: path(name), plugins: [], databases: databases)
        try await store.write { db in try db.execute(sql: "CREATE TABLE n (id INTEGER PRIMARY KEY)") }
        return store
    }

    @Test("a database unused for the idle time is closed, and the next work reopens it with its data")
    func idleDatabaseCloses() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let databases = OpenDatabases(limit: 10, idleTimeout: .seconds(30))
        let store = try await counter("idle", in: databases)
        try await store.write { db in try db.execute(sql: "INSERT INTO n DEFAULT VALUES") }
        #expect(try DatabaseDescriptors.count(on: path("idle")) == 3)
        #expect(await databases.closeIdle(now: .now) == 0, "not idle for 30 s yet")
        #expect(await databases.closeIdle(now: .now + .seconds(31)) == 1)
        #expect(try DatabaseDescriptors.count(on: path("idle")) == 0)
        #expect(databases.openCount == 0)
        #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM n") } == 1)
        #expect(try DatabaseDescriptors.count(on: path("idle")) == 3)
        await store.close()
        #expect(try DatabaseDescriptors.count(on: path("idle")) == 0)
        #expect(databases.openCount == 0)
    }

    @Test("when every slot is taken, the least recently used idle database is the one closed")
    func leastRecentlyUsedFirst() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let databases = OpenDatabases(limit: 2)
        let first = try await counter("first", in: databases)
        let second = try await counter("second", in: databases)
        _ = try await first.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM n") }
        let third = try await counter("third", in: databases)
        #expect(try DatabaseDescriptors.count(on: path("second")) == 0, "second was used least recently")
        #expect(try DatabaseDescriptors.count(on: path("first")) == 3)
        #expect(try DatabaseDescriptors.count(on: path("third")) == 3)
        #expect(databases.openCount == 2)
        for store in [first, second, third] { await store.close() }
        #expect(databases.openCount == 0)
    }

    @Test("open databases never exceed the limit, whatever the number of stores and the order of work")
    func boundHolds() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = zip(Gen.int(in: 1...4), Gen.int(in: 1...8), Gen.int(in: 0..<1_000).array(of: 1...60))
        await propertyCheck(count: 25, input: input) { limit, storeCount, work in
            let databases = OpenDatabases(limit: limit)
            let folder = folder
            do {
                let run = UUID().uuidString
                var opened: [BotStore] = []
                for index in 0..<storeCount { opened.append(try await counter("\(run)-\(index)", in: databases)) }
                let stores = opened
                let peak = try await withThrowingTaskGroup(of: Int.self) { group in
                    for pick in work {
                        group.addTask {
                            try await stores[pick % storeCount].write { db in
                                try db.execute(sql: "INSERT INTO n DEFAULT VALUES")
                                return max(databases.openCount, try DatabaseDescriptors.count(inside: folder) / 3)
                            }
                        }
                    }
                    return try await group.reduce(0, max)
                }
                #expect(peak <= limit, "\(peak) open with a limit of \(limit)")
                for (index, store) in stores.enumerated() {
                    let writes = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM n") }
                    #expect(writes == work.filter { $0 % storeCount == index }.count, "store \(index)")
                }
                for store in stores { await store.close() }
                #expect(databases.openCount == 0)
                #expect(try DatabaseDescriptors.count(inside: folder) == 0)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("a store waits for a slot while every open database is busy, then gets the first one freed")
    func waitsForBusyDatabase() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let databases = OpenDatabases(limit: 1)
        let busy = try await counter("busy", in: databases)
        let waiting = try await counter("waiting", in: databases)
        let holder = await HeldWork.start(on: busy)
        let reader = Task {
            try await waiting.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM n") }
        }
        while databases.waitingCount == 0 { await Task.yield() }
        #expect(try DatabaseDescriptors.count(on: path("waiting")) == 0, "it waits, and opens nothing")
        try await holder.finish()
        #expect(try await reader.value == 0)
        #expect(try DatabaseDescriptors.count(on: path("busy")) == 0, "the idle one made room")
        await busy.close()
        await waiting.close()
        #expect(databases.openCount == 0)
    }

    @Test("a database that cannot be opened gives its slot back and names its file")
    func failedOpenFreesSlot() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let databases = OpenDatabases(limit: 1)
        try FileManager.default.createDirectory(atPath: path("folder"), withIntermediateDirectories: true)
        for _ in 0..<3 {
            await #expect {
                _ = try await BotStore.open(path: path("folder"), plugins: [], databases: databases)
            } throws: { error in
                "\(error)".contains(path("folder"))
            }
            #expect(databases.openCount == 0)
        }
        let store = try await counter("after", in: databases)
        await store.close()
    }

    @Test("closing waits for work in progress; later work is refused, naming the file")
    func closeWaitsForWork() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let databases = OpenDatabases(limit: 4)
        let store = try await counter("closing", in: databases)
        let work = await HeldWork.start(on: store) { database in
            try await database.write { db in try db.execute(sql: "INSERT INTO n DEFAULT VALUES") }
        }
        let closing = Task { await store.close() }
        while !store.isRetired { await Task.yield() }
        await #expect {
            try await store.read { _ in 0 }
        } throws: { error in
            "\(error)".contains(path("closing")) && "\(error)".contains("closed")
        }
        #expect(try DatabaseDescriptors.count(on: path("closing")) == 3, "the work in progress keeps it open")
        try await work.finish()
        await closing.value
        #expect(try DatabaseDescriptors.count(on: path("closing")) == 0)
        #expect(databases.openCount == 0)
        let reopened = try await BotStore.open(path: path("closing"), plugins: [], databases: databases)
        #expect(try await reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM n") } == 1)
        await reopened.close()
    }
}

/// Work that holds a store's database open until ``finish()``.
struct HeldWork {
    private let task: Task<Void, any Error>
    private let release: AsyncStream<Void>.Continuation

    /// Starts work on `store` and returns once it holds the database; `then` runs at ``finish()``.
    static func start(
        on store: BotStore, then: @escaping @Sendable (any DatabaseWriter) async throws -> Void = { _ in }
    ) async -> HeldWork {
        let (held, release) = AsyncStream<Void>.makeStream()
        let (entered, enter) = AsyncStream<Void>.makeStream()
        let task = Task {
            try await store.withDatabase { database in
                enter.yield()
                for await _ in held { break }
                try await then(database)
            }
        }
        for await _ in entered { break }
        return HeldWork(task: task, release: release)
    }

    /// Lets the work go on, and waits for it to end.
    func finish() async throws {
        release.yield()
        try await task.value
    }
}
