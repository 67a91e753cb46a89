import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import HTTPTypes
import NIOCore
import PropertyBased
import Synchronization
import Testing
@testable import Host

/// Lines the host's log handler wrote, kept for a test to read.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// Where the log handler writes.
    var output: LogOutput { LogOutput { line in self.lines.withLock { $0.append(line) } } }

    /// Every line so far.
    var all: [String] { lines.withLock { $0 } }
}

/// Hostile deliveries to `/webhook/{bot_id}`: whatever id and secret an outsider sends, no state
/// is created, no bot's recent errors change, and the log gets at most a bounded line.
@Suite("Hostile input: webhook deliveries", .serialized, .timeLimit(.minutes(5)))
struct WebhookHostileInputTests {
    static let header = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!

    /// Path ids: bot-shaped, too long, other alphabets, escapes, and the running bots' own ids.
    static let pathID = Gen.oneOf(
        Gen.lowercaseLetter.string(of: 1...63),
        Gen.lowercaseLetter.string(of: 64...60_000),
        Gen.letterOrNumber.string(of: 1...200),
        Gen.ascii.string(of: 1...100),
        Gen<String?>.element(of: ["alpha", "beta", "gamma", "-x", "ALPHA", "ж", "a%2Fb", "..", "a b"]).map { $0! })

    /// Secrets: none, or any of the characters Telegram allows, of any length up to 300.
    static let secret = Gen<Character?>.element(of: Array("abcXYZ019_-")).map { $0! }.string(of: 0...300).optional

    /// The test host, reporting refusals at most once a day.
    static func start() async throws -> HTTPTestHost {
        var host = try await HTTPTestHost.start()
        host.surface.webhookRefusals = WebhookRefusals(interval: .seconds(86_400))
        return host
    }

    @Test("random ids and wrong secrets: 4xx, no recent errors, no state, at most one bounded log line")
    func wrongSecrets() async throws {
        let host = try await Self.start()
        defer { Task { await host.stop() } }
        let log = CapturedLog()
        host.recentErrors.record(bot: "alpha", level: .error, message: "a real error")
        let before = host.recentErrors.entries(for: "alpha")
        try await host.withClient(logging: log.output) { client in
            await propertyCheck(count: 300, input: Self.pathID, Self.secret) { id, secret in
                var headers: HTTPFields = [.contentType: "application/json"]
                if let secret { headers[Self.header] = secret }
                let escaped = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "x"
                let answer = try await client.execute(
                    uri: "/webhook/\(escaped)", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
                #expect([401, 403, 404].contains(answer.status.code), "\(id.prefix(40)): \(answer.status.code)")
                #expect(answer.body.readableBytes < 1_000)
            }
        }
        #expect(host.recentErrors.bots == ["alpha"])
        #expect(host.recentErrors.entries(for: "alpha") == before)
        #expect(log.all.count <= 1, "\(log.all)")
        #expect(log.all.allSatisfy { $0.utf8.count < 500 })
    }

    @Test("issue #14.4: 2,000 wrong-secret deliveries with 60 KB ids grow nothing, and 25 to a real bot keep its errors")
    func reproduction() async throws {
        let host = try await Self.start()
        defer { Task { await host.stop() } }
        let log = CapturedLog()
        for index in 0..<RecentErrors().capacity {
            host.recentErrors.record(bot: "alpha", level: .error, message: "real error \(index)")
        }
        let before = host.recentErrors.entries(for: "alpha")
        try await host.withClient(logging: log.output) { client in
            let long = String(repeating: "a", count: 60_000)
            for index in 0..<2_000 {
                let answer = try await client.execute(
                    uri: "/webhook/\(long)\(index)", method: .post, headers: [Self.header: "wrong"],
                    body: ByteBuffer(string: "{}"))
                #expect(answer.status == .notFound)
            }
            for _ in 0..<25 {
                let answer = try await client.execute(
                    uri: "/webhook/alpha", method: .post, headers: [Self.header: "wrong"], body: ByteBuffer(string: "{}"))
                #expect(answer.status == .forbidden)
            }
        }
        #expect(host.recentErrors.bots == ["alpha"])
        #expect(host.recentErrors.entries(for: "alpha") == before)
        #expect(log.all.count == 1)
        #expect(log.all.allSatisfy { $0.utf8.count < 500 && !$0.contains("bot=") })
    }

    @Test("refusals are reported at most once per interval, with their count")
    func refusalReports() {
        let refusals = WebhookRefusals(interval: .seconds(60))
        let log = CapturedLog()
        let logger = Logger(label: "test") { label in
            HostLogHandler(logLevel: .info, label: label, format: .text, recentErrors: nil, output: log.output)
        }
        let start = ContinuousClock.now
        for second in 0..<180 {
            refusals.record("wrong secret", id: "alpha", logger: logger, now: start + .seconds(second))
        }
        #expect(log.all.count == 3)
        #expect(log.all.dropFirst().allSatisfy { $0.contains("refused: 60 since the last report") })
    }

    @Test("recent errors stay bounded: bot-shaped keys only, 20 entries a bot, 1,000 bots, 2,000 characters a message")
    func recentErrorsBounded() async {
        let errors = RecentErrors()
        let keys = Gen.oneOf(
            Gen.lowercaseLetter.string(of: 1...8), Gen.ascii.string(of: 0...100), Gen.lowercaseLetter.string(of: 64...200))
        let messages = Gen.ascii.string(of: 0...5_000)
        await propertyCheck(count: 3_000, input: keys, messages) { key, message in
            errors.record(bot: key, level: .warning, message: message)
        }
        let bots = errors.bots
        #expect(bots.count <= errors.botCapacity)
        #expect(bots.allSatisfy(ManifestValidation.isValidID))
        for bot in bots {
            let entries = errors.entries(for: bot)
            #expect(entries.count <= errors.capacity)
            #expect(entries.allSatisfy { $0.message.count <= errors.messageLength })
        }
    }
}
