import FakeBotAPI
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `FakeBotAPI.waitUntilDrained()`: what a client wrote before it went away is all handled
/// once the wait returns, the guarantee the crash test reads its per-kill counts on.
@Suite("FakeBotAPI drained", .timeLimit(.minutes(2)))
struct FakeBotAPIDrainTests {
    static let token = "5252:" + String(repeating: "d", count: 35)
    static let chatID: Int64 = 52

    @Test("sends written on connections closed at once are all recorded when the wait returns")
    func sendsOfAGoneClient() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 5252, username: "drain_test_bot")
        fake.markChatKnown(token: Self.token, chatID: Self.chatID)
        let port = try #require(fake.baseURL.port)
        // Many connections, each closed as soon as its request is written, none waiting for an
        // answer: like a host killed with sends in flight.
        let count = 40
        for index in 0..<count {
            try Self.writeAndClose(port: port, request: Self.sendMessage(text: "in flight #\(index)"))
        }
        try await fake.waitUntilDrained()
        let texts = fake.sentMessages(token: Self.token).map(\.text)
        await fake.stop()
        #expect(Set(texts) == Set((0..<count).map { "in flight #\($0)" }), "recorded: \(texts)")
    }

    @Test("a long poll of a gone client is answered before the wait returns")
    func longPollOfAGoneClient() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 5252, username: "drain_test_bot")
        let port = try #require(fake.baseURL.port)
        let poll = "GET /bot\(Self.token)/getUpdates?timeout=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        try Self.writeAndClose(port: port, request: Data(poll.utf8))
        await fake.waitForWaitingPoll(token: Self.token)
        // Nothing wakes the poll but its timeout: the fake is not done with the connection before.
        try await fake.waitUntilDrained()
        let wakes = fake.longPollWakes(token: Self.token)
        await fake.stop()
        #expect(wakes == [.timeout], "the poll was still waiting when the wait returned")
    }

    @Test("with no client ever connected the wait returns")
    func nothingToDrain() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        try await fake.waitUntilDrained()
        try await fake.waitUntilDrained()
        await fake.stop()
    }

    /// A raw HTTP/1.1 `sendMessage` request with a JSON body.
    static func sendMessage(text: String) throws -> Data {
        let body = try JSONSerialization.data(withJSONObject: ["chat_id": chatID, "text": text])
        let head = "POST /bot\(token)/sendMessage HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        return Data(head.utf8) + body
    }

    /// Connects to 127.0.0.1:`port`, writes `request` whole and closes without reading.
    static func writeAndClose(port: Int, request: Data) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw DrainTestError(step: "socket", errno: errno) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw DrainTestError(step: "connect", errno: errno) }
        let written = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard written == request.count else { throw DrainTestError(step: "send", errno: errno) }
    }
}

/// A socket call of the drain test failed.
struct DrainTestError: Error, CustomStringConvertible {
    let step: String
    let errno: Int32

    var description: String { "\(step) to the fake failed: \(String(cString: strerror(errno)))" }
}
