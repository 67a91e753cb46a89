import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import PropertyBased
import Storage
import Testing
@testable import Host

/// Hostile input to `GET /bots/{bot_id}/people/{user_id}/export`: a user id that is not ASCII
/// digits for a whole number from 1 to 2^63-1 (negative, zero, too many digits, signs, spaces,
/// fractions, letters, other scripts' digits, any ASCII) is a 400 naming `user_id`; any id on another brand's bot, or on a bot that does not
/// exist, is a 404 that names no person; only a 200 is recorded in the audit log.
@Suite("Hostile input: exporting a person", .serialized, .timeLimit(.minutes(5)))
struct PersonExportHostileInputTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)"]
    static let lumen: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.lumenToken)"]

    /// Ids as a path may carry them: any Int64, huge and negative numbers, odd spellings, ASCII.
    static let userIDText = Gen.oneOf(
        HTTPHostileInputTests.numberText,
        Gen.int64(in: 1...Int64.max).map { String($0) },
        Gen.letterOrNumber.string(of: 1...40))

    @Test("any user id: a whole number from 1 is exported (empty for a stranger), anything else is a 400 naming user_id")
    func anyUserID() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let exported = Counter()
        try await host.withClient { client in
            await propertyCheck(count: 300, input: Self.userIDText) { text in
                let path = HTTPHostileInputTests.escaped(text)
                let answer = try await client.execute(
                    uri: "/api/v1/bots/alpha/people/\(path)/export", method: .get, headers: Self.admin)
                if text.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int64(text), id >= 1 {
                    #expect(answer.status == .ok, "user_id=\(text): \(HTTPHostileInputTests.detail(answer))")
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any])
                    #expect(json["user_id"] as? Int64 == id, "user_id=\(text)")
                    exported.add()
                } else if text.isEmpty {
                    #expect(answer.status == .notFound, "an empty segment matches no route")
                } else {
                    #expect(answer.status == .badRequest, "user_id=\(text): \(answer.status)")
                    #expect(HTTPHostileInputTests.detail(answer).contains("user_id"), "user_id=\(text)")
                    #expect(HTTPHostileInputTests.detail(answer).contains("whole number from 1 to 9223372036854775807"))
                }
            }
        }
        let records = try await host.surface.audit.records(AuditQuery(limit: 500))
        #expect(records.filter { $0.entry.action == "person.exported" }.count == exported.value,
                "one audit record per export, none for a refusal")
    }

    @Test("another brand's bot, or a bot that does not exist, is a 404 for any user id, naming no person")
    func otherBrands() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            await propertyCheck(count: 150, input: Self.userIDText, Gen.element(of: ["alpha", "gamma", "nobody"])) {
                text, bot in
                let bot = bot ?? "alpha"
                let path = HTTPHostileInputTests.escaped(text)
                let headers = bot == "nobody" ? Self.admin : Self.lumen
                let answer = try await client.execute(
                    uri: "/api/v1/bots/\(bot)/people/\(path)/export", method: .get, headers: headers)
                #expect(answer.status == .notFound, "\(bot) user_id=\(text): \(answer.status)")
                if !text.isEmpty {
                    #expect(HTTPHostileInputTests.detail(answer) == "no bot '\(bot)'", "\(bot) user_id=\(text)")
                }
            }
        }
        let records = try await host.surface.audit.records(AuditQuery(limit: 500))
        #expect(!records.contains { $0.entry.action == "person.exported" })
    }

    @Test("a stopped bot answers 409 for a good id and still 400 for a bad one")
    func stoppedBot() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            let stopped = try await client.execute(uri: "/api/v1/bots/alpha/stop", method: .post, headers: Self.admin)
            #expect(stopped.status == .ok)
            let good = try await client.execute(uri: "/api/v1/bots/alpha/people/5/export", method: .get, headers: Self.admin)
            #expect(good.status == .conflict)
            let bad = try await client.execute(uri: "/api/v1/bots/alpha/people/-5/export", method: .get, headers: Self.admin)
            #expect(bad.status == .badRequest)
        }
    }
}

/// A count a property check's closures add to.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
