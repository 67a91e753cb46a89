import FakeBotAPI
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real binary serving 5 bots, killed with SIGKILL at 5 random moments of a 1,000-update stream.
@Suite("End to end: crash recovery", .serialized)
struct CrashRecoveryTests {
    static let bots = (1...5).map { "bot\($0)" }
    static let perBot = 200
    static let kills = 5

    static func manifest(id: String, token: String, apiURL: URL, concurrentSends: Int) -> String {
        """
        id: \(id)
        token: \(token)
        telegram:
          api_url: \(apiURL.absoluteString)
          poll_timeout: 1
        delivery:
          private_chat_per_second: 25
          bot_per_second: 1000
          concurrent_sends: \(concurrentSends)
        plugins: [echo]
        """
    }

    @Test("every update answered, none applied twice, at most concurrent_sends repeated replies a bot per kill",
          .timeLimit(.minutes(5)), arguments: [8, 1])
    func fiveKills(concurrentSends: Int) async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        var tokens: [String: String] = [:]
        for (index, id) in Self.bots.enumerated() {
            let token = "\(7000 + index):" + String(repeating: Character(UnicodeScalar(UInt8(97 + index))), count: 35)
            tokens[id] = token
            fake.addBot(token: token, userID: Int64(7000 + index), username: "\(id)_bot")
            try sandbox.writeManifest(
                id, Self.manifest(id: id, token: token, apiURL: fake.baseURL, concurrentSends: concurrentSends))
        }
        // The whole stream is offered up front; each bot works through it at its own pace.
        for index in 0..<Self.perBot {
            for id in Self.bots {
                let user = FakeUser(id: Int64(100 + index % 10), firstName: "U\(index % 10)")
                fake.sendText(token: tokens[id]!, chatID: user.id, from: user, text: "\(id) #\(index)")
            }
        }
        let total = Self.bots.count * Self.perBot
        func answered() -> Int { Self.bots.reduce(0) { $0 + fake.sentMessages(token: tokens[$1]!).count } }
        func unique() -> Set<String> { Self.repliedTexts(tokens: tokens, fake: fake) }

        var thresholds = (0..<Self.kills).map { _ in Int.random(in: total / 20...(total * 4 / 5)) }.sorted()
        // Per bot, how many replies it had sent at each kill: read once the fake handled every
        // request the killed host wrote, so every send before a mark is that host's or older.
        var killMarks: [String: [Int]] = [:]
        // The replies of the updates the last kill caught in handling. An update caught by three
        // kills is given up on (README: "No update freezes its chat") and never answered, so the
        // next kill waits until these are answered: no update is caught twice.
        var caught: Set<String> = []
        var run = 0
        var host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        while !thresholds.isEmpty {
            let threshold = max(thresholds.removeFirst(), answered() + 1)
            try await waitUntil(answeredAtLeast: threshold, tokens: tokens, fake: fake)
            while !caught.isSubset(of: unique()) {
                try await waitUntil(answeredAtLeast: answered() + 1, tokens: tokens, fake: fake)
            }
            host.crash()
            try await fake.waitUntilDrained()
            for id in Self.bots { killMarks[id, default: []].append(fake.sentMessages(token: tokens[id]!).count) }
            caught = try Self.updatesInHandling(sandbox: sandbox)
            run += 1
            host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath + ".\(run)")
        }
        while unique().count < total {
            try await waitUntil(answeredAtLeast: answered() + 1, tokens: tokens, fake: fake)
        }
        // The last host may have been started after every reply was in: a SIGTERM before it set
        // up its signal handling would end it by the signal's default action, not a drain.
        try await host.waitForLog("reload: ")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()

        let expected = Set(Self.bots.flatMap { id in (0..<Self.perBot).map { "\(id) #\($0)" } })
        #expect(unique() == expected, "every update answered at least once")
        // A reply is sent at least once: a kill may repeat the messages then in flight, at most
        // one per sending slot of each bot, never more; a message still in flight at the next kill
        // takes a slot of that kill too. So each bot repeats at most concurrent_sends per kill,
        // and kills × concurrent_sends in all.
        var charges: [String] = []
        for id in Self.bots {
            let texts = fake.sentMessages(token: tokens[id]!).map(\.text)
            let marks = killMarks[id]!
            let repeats = RepeatedReplies(texts: texts, killMarks: marks)
            #expect(repeats.withoutKill.isEmpty, "\(id): replies repeated with no kill: \(repeats.withoutKill)")
            for (kill, repeated) in repeats.perKill.enumerated() {
                #expect(repeated.count <= concurrentSends, """
                    \(id), kill \(kill + 1) of \(Self.kills): \(repeated.count) replies repeated, over \
                    \(concurrentSends) sending slots; sent counts at the kills \(marks); repeated: \(repeated)
                    """)
            }
            let repeated = texts.count - Set(texts).count
            #expect(repeated <= Self.kills * concurrentSends, """
                \(id): \(repeated) repeated replies over \(Self.kills) kills; \
                sent counts at the kills \(marks); \
                repeats (earlier send → repeat): \(Self.repeatPositions(texts))
                """)
            charges.append("\(id) \(repeats.perKill.map(\.count))")
        }
        print("crash recovery, concurrent_sends \(concurrentSends): repeats charged per kill: "
              + charges.joined(separator: ", "))
        print("crash recovery, concurrent_sends \(concurrentSends): \(Self.kills) kills, "
              + "\(answered() - total) duplicated replies of \(total)")

        for id in Self.bots {
            let database = try DatabaseQueue(path: "\(sandbox.dataDirectory)/\(id).sqlite")
            let (rows, done, handled) = try await database.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox")!,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE status = 'done'")!,
                 try Int.fetchOne(db, sql: "SELECT value FROM host_state WHERE key = 'updates_handled'")!)
            }
            #expect(rows == Self.perBot && done == Self.perBot, "\(id): every update stored once and done")
            #expect(handled == Self.perBot, "\(id): each update's state effects committed exactly once")
        }
    }

    /// Waits until the bots sent `count` replies in all, or every update has its reply: a host
    /// that finished before the test looked (a slow test machine) has nothing more to send.
    ///
    /// - Throws: `CancellationError` when the test's time limit ends the wait.
    private func waitUntil(answeredAtLeast count: Int, tokens: [String: String], fake: FakeBotAPI) async throws {
        let tokens = Self.bots.map { tokens[$0]! }
        while true {
            // A cancelled wait returns at once: without this the loop would spin past the time limit.
            try Task.checkCancellation()
            let sent = tokens.reduce(0) { $0 + fake.sentMessages(token: $1).count }
            guard sent < count else { return }
            // Counted after `sent`: a reply still missing then means at least one more message.
            guard Set(tokens.flatMap { fake.sentMessages(token: $0).map(\.text) }).count < Self.bots.count * Self.perBot
            else { return }
            await fake.waitForSentMessages(tokens: tokens, total: min(count, sent + 1))
        }
    }

    /// Where each repeated reply was sent before and again, by position in the bot's sends: what
    /// a failed bound needs to be understood.
    private static func repeatPositions(_ texts: [String]) -> [String] {
        var lastSeen: [String: Int] = [:]
        var positions: [String] = []
        for (index, text) in texts.enumerated() {
            if let previous = lastSeen[text] { positions.append("\(previous)→\(index)") }
            lastSeen[text] = index
        }
        return positions
    }

    /// The replies due for the updates a killed host was handling: begun (an attempt counted),
    /// not committed. Read from the bots' databases while no host runs.
    private static func updatesInHandling(sandbox: HostSandbox) throws -> Set<String> {
        var replies: Set<String> = []
        for id in bots {
            let database = try DatabaseQueue(path: "\(sandbox.dataDirectory)/\(id).sqlite")
            let payloads = try database.read { db in
                try Data.fetchAll(db, sql: "SELECT payload FROM inbox WHERE status = 'pending' AND attempts > 0")
            }
            for payload in payloads {
                let update = try JSONSerialization.jsonObject(with: payload) as? [String: Any]
                let message = update?["message"] as? [String: Any]
                guard let text = message?["text"] as? String else {
                    throw HarnessError("\(id): an update with no text in the inbox: \(payload)")
                }
                replies.insert(text)
            }
        }
        return replies
    }

    /// The distinct replies the bots sent (each echoes its update, so one per update).
    private static func repliedTexts(tokens: [String: String], fake: FakeBotAPI) -> Set<String> {
        Set(bots.flatMap { fake.sentMessages(token: tokens[$0]!).map(\.text) })
    }
}
