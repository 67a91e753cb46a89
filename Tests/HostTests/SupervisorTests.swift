import AsyncHTTPClient
import FakeBotAPI
import CoreMetrics
import Foundation
import GRDB
import Logging
import Testing
@testable import Host
import Tenant

/// The supervisor in-process, against the fake Bot API.
@Suite("Supervisor", .timeLimit(.minutes(5)))
struct SupervisorTests {
    struct Running {
        let fake: FakeBotAPI
        let sandbox: HostSandbox
        let supervisor: Supervisor
        let task: Task<Void, any Error>
    }

    static func start(bots: [(id: String, token: String, plugins: String)], registered: Set<String>? = nil) async throws -> Running {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        for (index, bot) in bots.enumerated() where registered?.contains(bot.id) ?? true {
            fake.addBot(token: bot.token, userID: Int64(5000 + index), username: "\(bot.id.replacingOccurrences(of: "-", with: "_"))_bot")
        }
        for bot in bots {
            try sandbox.writeManifest(bot.id, BinaryEndToEndTests.manifest(id: bot.id, token: bot.token, apiURL: fake.baseURL, plugins: bot.plugins))
        }
        var logger = Logger(label: "supervisor-test")
        logger.logLevel = ProcessInfo.processInfo.environment["DEBUG_LOG"] != nil ? .debug : .critical
        let supervisor = Supervisor.forTesting(sandbox, logger: logger)
        let task = Task { try await supervisor.run() }
        return Running(fake: fake, sandbox: sandbox, supervisor: supervisor, task: task)
    }

    static func token(_ digit: Character) -> String { "3\(digit)00:" + String(repeating: digit, count: 35) }

    @Test("three bots answer in parallel with no crosstalk between tokens, chats or databases")
    func threeBots() async throws {
        let ids = ["alpha", "bravo", "charlie"]
        let tokens = Dictionary(uniqueKeysWithValues: zip(ids, ["1", "2", "3"].map { Self.token(Character($0)) }))
        let running = try await Self.start(bots: ids.map { ($0, tokens[$0]!, BinaryEndToEndTests.echo) })
        defer { running.task.cancel() }
        let user = FakeUser(id: 42, firstName: "Same person in every bot")
        for round in 0..<10 {
            for id in ids {
                running.fake.sendText(token: tokens[id]!, chatID: user.id, from: user, text: "\(id) \(round)")
            }
        }
        for id in ids {
            let sent = try await running.fake.waitForSentMessages(token: tokens[id]!, count: 10, timeout: .seconds(90))
            #expect(sent.map(\.text) == (0..<10).map { "\(id) \($0)" })
            #expect(sent.allSatisfy { $0.chatID == user.id })
        }
        running.task.cancel()
        try await running.task.value  // a supervisor that throws on shutdown fails the test
        for id in ids {
            let database = try DatabaseQueue(path: "\(running.sandbox.dataDirectory)/\(id).sqlite")
            let texts = try await database.read { db in
                try Data.fetchAll(db, sql: "SELECT payload FROM inbox ORDER BY update_id")
                    .map { String(decoding: $0, as: UTF8.self) }
            }
            #expect(texts.count == 10)
            #expect(texts.allSatisfy { $0.contains("\"\(id) ") }, "bot \(id) stored only its own updates")
        }
        await running.fake.stop()
    }

    @Test("a bot with a rejected token fails alone; the others answer")
    func rejectedTokenFailsAlone() async throws {
        let tokens = ["good-one": Self.token("4"), "bad": Self.token("5"), "good-two": Self.token("6")]
        let running = try await Self.start(
            bots: tokens.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value, BinaryEndToEndTests.echo) },
            registered: ["good-one", "good-two"])
        defer { running.task.cancel() }
        let user = FakeUser(id: 7, firstName: "Bob")
        for id in ["good-one", "good-two"] {
            running.fake.sendText(token: tokens[id]!, chatID: user.id, from: user, text: "hi \(id)")
            let sent = try await running.fake.waitForSentMessages(token: tokens[id]!, count: 1, timeout: .seconds(90))
            #expect(sent.map(\.text) == ["hi \(id)"])
        }
        let badState = try await Self.waitForState(of: "bad", in: running.supervisor)
        #expect(badState == .failed("token rejected by Telegram (401)"))
        running.task.cancel()
        try await running.task.value  // a supervisor that throws on shutdown fails the test
        await running.fake.stop()
    }

    @Test("reload reports the difference and keeps the last good version of a broken manifest")
    func reloadKeepsLastGood() async throws {
        let tokens = ["keep": Self.token("7"), "break-me": Self.token("8")]
        let running = try await Self.start(bots: tokens.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value, BinaryEndToEndTests.echo) })
        defer { running.task.cancel() }
        let user = FakeUser(id: 9, firstName: "Carol")
        running.fake.sendText(token: tokens["break-me"]!, chatID: user.id, from: user, text: "before")
        _ = try await running.fake.waitForSentMessages(token: tokens["break-me"]!, count: 1, timeout: .seconds(90))

        try running.sandbox.writeManifest("break-me", "id: break-me\nplugns: [echo]\n")
        let report = await running.supervisor.reload()
        #expect(report.keptLastGood == ["break-me"])
        #expect(report.unchanged == ["keep"])
        #expect(report.started.isEmpty && report.stopped.isEmpty && report.restarted.isEmpty)
        #expect(report.errors.contains { $0.contains("break-me.yaml:2: plugns: unknown key; did you mean 'plugins'?") })
        #expect(report.errors.allSatisfy { $0.contains("break-me.yaml") })

        running.fake.sendText(token: tokens["break-me"]!, chatID: user.id, from: user, text: "after")
        let sent = try await running.fake.waitForSentMessages(token: tokens["break-me"]!, count: 2, timeout: .seconds(90))
        #expect(sent.map(\.text) == ["before", "after"], "the last good version still answers")
        running.task.cancel()
        try await running.task.value  // a supervisor that throws on shutdown fails the test
        await running.fake.stop()
    }

    @Test("a reload that cannot read the manifest folder keeps every bot running")
    func unreadableFolderKeepsBots() async throws {
        let token = Self.token("9")
        let running = try await Self.start(bots: [("steady", token, BinaryEndToEndTests.echo)])
        defer { running.task.cancel() }
        _ = await running.supervisor.table.wait { $0["steady"] == .running }
        let moved = running.sandbox.botsDirectory + ".moved"
        try FileManager.default.moveItem(atPath: running.sandbox.botsDirectory, toPath: moved)
        let report = await running.supervisor.reload()
        #expect(report.keptLastGood == ["steady"])
        #expect(report.stopped.isEmpty)
        #expect(report.errors.contains { $0.contains("cannot read the manifest folder") })
        let user = FakeUser(id: 19, firstName: "Dan")
        running.fake.sendText(token: token, chatID: user.id, from: user, text: "still here?")
        let sent = try await running.fake.waitForSentMessages(token: token, count: 1, timeout: .seconds(90))
        #expect(sent.map(\.text) == ["still here?"])
        try FileManager.default.moveItem(atPath: moved, toPath: running.sandbox.botsDirectory)
        #expect(await running.supervisor.reload().unchanged == ["steady"])
        running.task.cancel()
        try await running.task.value  // a supervisor that throws on shutdown fails the test
        await running.fake.stop()
    }

    static func waitForState(of id: String, in supervisor: Supervisor) async throws -> TenantState? {
        let states = await supervisor.table.wait { states in
            if case .failed = states[id] { return true }
            return false
        }
        return states[id]
    }
}
