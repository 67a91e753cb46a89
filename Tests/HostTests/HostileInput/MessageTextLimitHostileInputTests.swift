import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PropertyBased
import Tenant
import Testing
@testable import Host

/// Message texts sent through the API (sandbox messages, broadcasts) are measured as Telegram
/// measures them, so a text of emoji, accents or markup can neither slip past the limit nor be
/// refused below it.
@Suite("API message texts: hostile input", .timeLimit(.minutes(5)))
struct MessageTextLimitHostileInputTests {
    static let fragments = [
        "a", "Ж", "中", "😀", "🇺🇦", "👨‍👩‍👧‍👦", "e\u{301}", String(repeating: "\u{301}", count: 300), " ", "\n",
        "<b>", "</b>", "&amp;", "&#128512;", "<", "&", String(repeating: "x", count: 1000),
    ]
    static let texts = Gen.int(in: 0...(fragments.count - 1)).array(of: 0...60)
        .map { indices in indices.map { fragments[$0] }.joined() }
    static let parseModes = Gen.int(in: 0...2).map { [nil, ParseMode.html, .markdownV2][$0] }

    @Test("a text passes exactly when Telegram's count is within the limit; the refusal names field and limit")
    func measuredAsTelegramDoes() async {
        await propertyCheck(count: 300, input: Self.texts, Self.parseModes) { text, parseMode in
            for limit in [MessageTextLimit.message, .broadcast] {
                let length = TelegramTextLength.of(text, parseMode: parseMode)
                do {
                    try limit.check(text, field: "text", parseMode: parseMode)
                    #expect(length <= limit.maximum)
                } catch let problem as Problem {
                    #expect(length > limit.maximum)
                    #expect(problem.status == .badRequest)
                    #expect(problem.detail.hasPrefix("text is \(length) characters long"))
                    #expect(problem.detail.hasSuffix("at most \(limit.maximum)"))
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
    }

    @Test("sandbox texts and captions: 2,048 emoji fit, 2,049 (4,098 units) are refused; a broadcast holds 16,384")
    func endpoints() async throws {
        let host = try await HTTPTestHost.start()
        defer { Task { await host.stop() } }
        let json: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]
        try await host.withClient { client in
            let emoji = { (count: Int) in String(repeating: "😀", count: count) }
            for (body, status, detail) in [
                (#"{"user_id":5,"text":"\#(emoji(2048))"}"#, HTTPResponse.Status.accepted, nil),
                (#"{"user_id":5,"text":"\#(emoji(2049))"}"#, .badRequest, "text is 4098 characters long"),
                (#"{"user_id":5,"photo":"p1","text":"\#(emoji(2049))"}"#, .badRequest, "at most 4096"),
            ] {
                let sent = try await client.execute(
                    uri: "/api/v1/bots/gamma/sandbox/messages", method: .post, headers: json,
                    body: ByteBuffer(string: body))
                #expect(sent.status == status)
                if let detail { #expect(String(buffer: sent.body).contains(detail)) }
            }
            let long = String(repeating: "x", count: 16_385)
            let tooLong = try await client.execute(
                uri: "/api/v1/bots/alpha/broadcasts", method: .post, headers: json,
                body: ByteBuffer(string: #"{"text":"\#(long)"}"#))
            #expect(tooLong.status == .badRequest)
            #expect(String(buffer: tooLong.body).contains("text is 16385 characters long"))
            #expect(String(buffer: tooLong.body).contains("at most 16384"))
            // Issue #14's broadcast: 1,400 unclosed tags around 100 characters, 100 as Telegram counts.
            let soup = String(repeating: "<b>", count: 1400) + String(repeating: "x", count: 100)
            let accepted = try await client.execute(
                uri: "/api/v1/bots/alpha/broadcasts", method: .post, headers: json,
                body: ByteBuffer(string: #"{"text":"\#(soup)","parse_mode":"HTML"}"#))
            #expect(accepted.status == .accepted)
            let detail = try await client.execute(uri: "/api/v1/bots/alpha", method: .get, headers: json)
            #expect(detail.status == .ok, "the host still answers")
        }
    }
}
