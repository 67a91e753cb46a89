import Foundation
import Testing
@testable import Plugins
import Tenant
import Storage

extension AdminPluginTests {
    @Suite("formatting", .timeLimit(.minutes(5)))
    struct FormatTests {
        @Test("durations show the two largest units", arguments: [
            (0.0, "0s"), (59.9, "59s"), (60, "1m 0s"), (3599, "59m 59s"), (3600, "1h 0m"),
            (2 * 86_400 + 3 * 3600 + 4 * 60 + 5, "2d 3h 4m"), (400 * 86_400, "400d 0h 0m"),
            (-5, "0s"), (.infinity, "0s"), (.nan, "0s"),
        ] as [(TimeInterval, String)])
        func duration(seconds: TimeInterval, expected: String) {
            #expect(AdminFormat.duration(seconds) == expected)
        }

        @Test("a long or multi-line last error is shown on one shortened line")
        func shortensErrors() async throws {
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let store = try await BotStore(inMemoryWith: []).status()
            var status = BotStatus(startedAt: now, store: store)
            status.store.lastError = "first line\nsecond line " + String(repeating: "x", count: 1000)
            let text = AdminFormat.status(status, bot: BotDescriptor(id: "solo", name: "solo"), now: now)
            let lines = text.split(separator: "\n")
            #expect(lines.first == "solo")
            let last = try #require(lines.last)
            #expect(last.hasPrefix("Last error: first line second line xxx"))
            #expect(last.hasSuffix("…"))
            #expect(last.count == "Last error: ".count + AdminFormat.errorLength + 1)
        }
    }
}
