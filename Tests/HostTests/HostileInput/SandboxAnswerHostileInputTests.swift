import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import PropertyBased
import Tenant
import Testing
@testable import Host

/// Hostile input to a sandbox write's or press's `wait` and to the names they carry: a `wait`
/// outside 0...30 is a 400 naming it that changes nothing; a write with or without a name never
/// loses the name a person gave.
@Suite("Hostile input: sandbox answers and names", .serialized, .timeLimit(.minutes(5)))
struct SandboxAnswerHostileInputTests {
    static let json: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]

    @Test("any wait on a write or press: 0...30 is taken, anything else is a 400 naming wait and nothing is written")
    func anyWait() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let sandbox = try #require(host.supervisor.sandboxes["gamma"])
        try await host.withClient { client in
            await propertyCheck(count: 120, input: HTTPHostileInputTests.numberText) { text in
                let before = sandbox.messages(chatID: 9).count
                let path = HTTPHostileInputTests.escaped(text)
                let taken = Int64(text).map(SandboxAnswer.longestWait.contains) == true
                let sent = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/messages?wait=\(path)", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"user_id":9,"text":"/nothing"}"#))
                let pressed = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/presses?wait=\(path)", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"user_id":9,"message_id":1,"data":"x"}"#))
                if taken {
                    #expect(sent.status == .accepted, "wait=\(text): \(String(buffer: sent.body))")
                    #expect(sandbox.messages(chatID: 9).count == before + 1)
                } else {
                    for answer in [sent, pressed] {
                        #expect(answer.status == .badRequest, "wait=\(text)")
                        #expect(HTTPHostileInputTests.detail(answer).contains("wait must be a whole number from 0 to 30"))
                    }
                    #expect(sandbox.messages(chatID: 9).count == before, "wait=\(text) wrote")
                }
            }
        }
    }

    @Test("any run of writes with and without names: each person is as they last named themselves")
    func anyNames() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let sandbox = try #require(host.supervisor.sandboxes["gamma"])
        let name = Gen.letterOrNumber.string(of: 1...64).optional(valueRate: 0.4)
        try await host.withClient { client in
            var expected: [Int64: String] = [:]
            await propertyCheck(count: 80, input: Gen.int64(in: 100...103), name) { id, name in
                let field = name.map { #","first_name":"\#($0)""# } ?? ""
                let sent = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: Self.json,
                    body: ByteBuffer(string: #"{"user_id":\#(id),"text":"hi"\#(field)}"#))
                #expect(sent.status == .accepted, "\(String(buffer: sent.body))")
                expected[id] = name ?? expected[id] ?? "User \(id)"
                #expect(sandbox.people().first { $0.id == id }?.firstName == expected[id])
            }
        }
    }
}
