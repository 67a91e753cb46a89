import NIOCore
import PropertyBased
import Synchronization
import Testing
@testable import Host

/// `GET /metrics` under a flood: however many scrapes arrive at once, one rendering serves
/// them, and a rendering is reused for the cache's interval.
@Suite("Metrics scrape cache", .timeLimit(.minutes(2)))
struct ScrapeCacheTests {
    /// Counts renderings; each answers its own number.
    final class Renderer: Sendable {
        let count = Mutex(0)
        func render() async -> ByteBuffer {
            let number = count.withLock { count in
                count += 1
                return count
            }
            await Task.yield()
            return ByteBuffer(string: "\(number)")
        }
    }

    @Test("any number of concurrent scrapes within the interval share one rendering")
    func concurrentScrapesShare() async {
        await propertyCheck(count: 40, input: Gen.int(in: 1...300)) { scrapes in
            let cache = ScrapeCache(interval: .seconds(3600))
            let renderer = Renderer()
            let bodies = await withTaskGroup(of: String.self) { group in
                for _ in 0..<scrapes { group.addTask { String(buffer: await cache.body(render: renderer.render)) } }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(renderer.count.withLock { $0 } == 1)
            #expect(Set(bodies) == ["1"] && bodies.count == scrapes)
        }
    }

    @Test("scrapes in a row after the interval each get a new rendering")
    func staleRenderingIsRenewed() async {
        await propertyCheck(count: 20, input: Gen.int(in: 1...50)) { scrapes in
            let cache = ScrapeCache(interval: .zero)
            let renderer = Renderer()
            var bodies: [String] = []
            for _ in 0..<scrapes { bodies.append(String(buffer: await cache.body(render: renderer.render))) }
            #expect(bodies == (1...scrapes).map { "\($0)" })
        }
    }
}
