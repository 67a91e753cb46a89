import Foundation
import Testing
@testable import Tenant

/// The README's sandbox bounds: "it keeps the last 500 messages of each conversation".
@Suite("Sandbox promises", .timeLimit(.minutes(1)))
struct SandboxPromiseTests {
    @Test("a conversation keeps its last 500 messages, in order, and another conversation keeps its own")
    func lastFiveHundredMessages() throws {
        let sandbox = SandboxPlatform(botID: "han-demo", displayName: "Han demo")
        let eve = User(id: 5, firstName: "Eve")
        let finn = User(id: 6, firstName: "Finn")
        _ = try sandbox.userWrites("hello", as: finn)
        for index in 0..<520 { _ = try sandbox.userWrites("message \(index)", as: eve) }
        let kept = sandbox.messages(chatID: eve.id)
        #expect(kept.count == 500)
        #expect(kept.map(\.text) == (20..<520).map { "message \($0)" }, "the oldest 20 are gone")
        #expect(sandbox.messages(chatID: finn.id).map(\.text) == ["hello"])
        let newest = try #require(kept.last?.revision)
        #expect(sandbox.messages(chatID: eve.id, after: newest - 1).map(\.text) == ["message 519"])
    }
}
