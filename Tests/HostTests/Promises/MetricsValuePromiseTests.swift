import FakeBotAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

/// The README's metrics table: `aviary_rate_limited_total{bot}` counts 429 answers and
/// `aviary_dead_letters_total{bot}` counts dead letters; `/metrics` serves their values.
@Suite("Metrics promises: the counters' values", .timeLimit(.minutes(3)))
struct MetricsValuePromiseTests {
    /// The value of `name{bot="<bot>"}` in a Prometheus text page; `nil` when the series is absent.
    static func value(of name: String, bot: String, in page: String) -> Double? {
        let prefix = "\(name){bot=\"\(bot)\"} "
        return page.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }

    @Test("two 429s and three dead letters read 2 and 3 at /metrics, for that bot only")
    func countersCountExactly() async throws {
        let host = try await HTTPTestHost.start()
        let token = HTTPTestHost.bots["alpha"]!.1
        let person = FakeUser(id: 51, firstName: "Mo")
        host.fake.failNext(token: token, method: "sendMessage", times: 2, with: .tooManyRequests(retryAfter: 1))
        host.fake.sendText(token: token, chatID: person.id, from: person, text: "slowed")
        _ = try await host.fake.waitForSentMessages(token: token, count: 1, timeout: .seconds(60))
        // Three refused with a 400, then one that goes: the chat's sends go in order.
        try await DeliveryAdminPromiseTests.makeThreeDeadLetters(host.fake, token: token, person: person, sentBefore: 1)
        // The fake sees a message before the bot has counted it. One chat's messages go strictly
        // in order, each counted before the next is sent: a later reply in the same chat arriving
        // means every count before it is in.
        host.fake.sendText(token: token, chatID: person.id, from: person, text: "fence")
        _ = try await host.fake.waitForSentMessages(token: token, count: 3, timeout: .seconds(60))

        try await host.withClient { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            #expect(Self.value(of: "aviary_rate_limited_total", bot: "alpha", in: page) == 2, "\(page)")
            #expect(Self.value(of: "aviary_dead_letters_total", bot: "alpha", in: page) == 3)
            // "slowed" and "four", and the fence if the bot counted it already.
            #expect([2, 3].contains(Self.value(of: "aviary_messages_sent_total", bot: "alpha", in: page) ?? 0))
            #expect(Self.value(of: "aviary_rate_limited_total", bot: "beta", in: page) ?? 0 == 0)
            #expect(Self.value(of: "aviary_dead_letters_total", bot: "beta", in: page) ?? 0 == 0)
        }
        await host.stop()
    }
}
