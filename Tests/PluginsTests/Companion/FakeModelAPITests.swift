import AsyncHTTPClient
import FakeModelAPI
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The fake model server refuses what a real endpoint would, so the companion's tests can fail.
@Suite("FakeModelAPI", .timeLimit(.minutes(5)))
struct FakeModelAPITests {
    /// Posts `body` to the fake's completions endpoint and returns the status.
    static func post(_ fake: FakeModelAPI, _ body: String, key: String? = "sk-fake") async throws -> UInt {
        var request = HTTPClientRequest(url: fake.baseURL + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(string: body))
        return try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code
    }

    @Test("requests of the wrong shape get 400 and are recorded as violations", arguments: [
        #"{"messages":[{"role":"user","content":"hi"}]}"#,
        #"{"model":"m","messages":[]}"#,
        #"{"model":"m","messages":[{"role":"narrator","content":"hi"}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":3}"#,
        #"{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0}"#,
        #"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}"#,
    ])
    func refusesWrongShapes(body: String) async throws {
        let fake = FakeModelAPI(apiKey: "sk-fake")
        try await fake.start()
        #expect(try await Self.post(fake, body) == 400)
        #expect(fake.violations.count == 1)
        #expect(fake.requests.isEmpty)
        await fake.stop()
    }

    @Test("a wrong key gets 401; a well-formed request is answered and recorded")
    func keyAndAnswer() async throws {
        let fake = FakeModelAPI(apiKey: "sk-fake")
        try await fake.start()
        let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.7,"max_tokens":5}"#
        #expect(try await Self.post(fake, body, key: "sk-wrong") == 401)
        #expect(try await Self.post(fake, body) == 200)
        #expect(fake.requests.map(\.lastUserText) == ["hi"])
        #expect(fake.violations.isEmpty)
        await fake.stop()
    }
}
