import FakeBotAPI
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The crash test's bound, checked kill by kill and exactly: the fake holds every send, so each
/// kill lands when every bot has all its sending slots in flight, received by the fake and
/// unanswered, and nothing else unconfirmed. What each kill can repeat is then known.
@Suite("End to end: kills with every sending slot in flight", .serialized)
struct CrashInFlightTests {
    static let bots = (1...3).map { "slots\($0)" }
    static let perBot = 60
    static let kills = 3

    @Test("each kill repeats exactly the messages then in flight, never more than concurrent_sends a bot",
          .timeLimit(.minutes(5)), arguments: [3, 1])
    func killsWithSlotsFull(concurrentSends: Int) async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        let sandbox = try HostSandbox()
        var tokens: [String: String] = [:]
        for (index, id) in Self.bots.enumerated() {
            let token = "\(7100 + index):" + String(repeating: Character(UnicodeScalar(UInt8(107 + index))), count: 35)
            tokens[id] = token
            fake.addBot(token: token, userID: Int64(7100 + index), username: "\(id)_bot")
            try sandbox.writeManifest(id, CrashRecoveryTests.manifest(
                id: id, token: token, apiURL: fake.baseURL, concurrentSends: concurrentSends))
        }
        // Six people a bot: more chats than sending slots, so every slot can fill.
        for index in 0..<Self.perBot {
            for id in Self.bots {
                let user = FakeUser(id: Int64(200 + index % 6), firstName: "P\(index % 6)")
                fake.sendText(token: tokens[id]!, chatID: user.id, from: user, text: "\(id) #\(index)")
            }
        }

        // Per bot, per kill: the texts the fake held when the host was killed.
        var inFlight: [String: [[String]]] = [:]
        var host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath)
        for kill in 0..<Self.kills {
            // Some progress first, so the restarted host has resent what the last kill left.
            for id in Self.bots {
                let progress = (kill + 1) * Self.perBot / (Self.kills + 2) + (inFlight[id]?.joined().count ?? 0)
                _ = try await fake.waitForSentMessages(token: tokens[id]!, count: progress, timeout: .seconds(120))
            }
            for id in Self.bots { fake.hold(token: tokens[id]!, method: "sendMessage") }
            for id in Self.bots {
                await fake.waitForHeldCalls(token: tokens[id]!, method: "sendMessage", count: concurrentSends)
            }
            host.crash()
            for id in Self.bots {
                let token = tokens[id]!
                let before = fake.sentMessages(token: token).count
                let held = fake.heldCallCount(token: token, method: "sendMessage")
                #expect(held == concurrentSends, "\(id), kill \(kill + 1): \(held) sends in flight")
                // Answered now, to a dead host: the fake has them, the bot never heard back.
                fake.release(token: token, method: "sendMessage")
                let sent = try await fake.waitForSentMessages(token: token, count: before + held, timeout: .seconds(60))
                inFlight[id, default: []].append(sent.dropFirst(before).map(\.text))
            }
            host = try AviaryProcess(arguments: sandbox.runArguments, logPath: sandbox.logPath + ".\(kill + 1)")
        }
        for id in Self.bots {
            let total = Self.perBot + inFlight[id]!.joined().count
            _ = try await fake.waitForSentMessages(token: tokens[id]!, count: total, timeout: .seconds(120))
        }
        try await host.waitForLog("reload: ")
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
        await fake.stop()

        for id in Self.bots {
            // Each reply is sent once, and once more for every kill that caught it in flight.
            var expected = Dictionary(uniqueKeysWithValues: (0..<Self.perBot).map { ("\(id) #\($0)", 1) })
            for text in inFlight[id]!.joined() { expected[text, default: 0] += 1 }
            let counted = fake.sentMessages(token: tokens[id]!)
                .reduce(into: [String: Int]()) { $0[$1.text, default: 0] += 1 }
            #expect(counted == expected, "\(id): the repeats are exactly the messages in flight at each kill")
            for (kill, held) in inFlight[id]!.enumerated() {
                #expect(held.count <= concurrentSends, "\(id), kill \(kill + 1): \(held.count) repeated")
            }
        }
    }
}
