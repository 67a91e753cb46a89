import CoreMetrics
import Foundation
@testable import Host
import PropertyBased
import Tenant
import Testing

/// The host's own registry against the Prometheus text format: random label sets and values
/// come out parseable, each family once with its help and type, every value as recorded;
/// many tasks record at once; a removed bot's series go.
@Suite("Metrics registry", .timeLimit(.minutes(5)))
struct MetricsRegistryTests {
    /// Label values as bots and platforms may give them, including what the format escapes.
    static let labelValues = Gen.element(of: Array("ab-_0\"\\\n{},= é")).compactMap { $0 }.array(of: 0...12)
        .map { String($0) }

    /// One recording: which bot, which second label value, which kind of metric, how much.
    struct Recording: Sendable {
        let bot: Int
        let method: Int
        let kind: Int
        let amount: Int64
    }

    static let recordings = zip(Gen.int(in: 0...5), Gen.int(in: 0...3), Gen.int(in: 0...2), Gen.int64(in: 0...70_000_000_000))
        .map { Recording(bot: $0, method: $1, kind: $2, amount: $3) }

    static let methods = ["getMe", "setWebhook", "sendMessage", "getUpdates"]

    @Test("random series and values: the page parses, each family has one HELP and TYPE above its samples, values match")
    func expositionMatchesRecordings() async throws {
        let input = zip(Self.labelValues.array(of: 6), Self.recordings.array(of: 0...120))
        await propertyCheck(count: 300, input: input) { bots, recordings in
            let registry = MetricsRegistry()
            let factory = DocumentedPrometheusFactory(registry: registry)
            var counts: [[String]: Int64] = [:]
            var gauges: [[String]: Double] = [:]
            var observations: [[String]: [Int64]] = [:]
            for recording in recordings {
                let (bot, method) = (bots[recording.bot], Self.methods[recording.method])
                switch recording.kind {
                case 0:
                    factory.makeCounter(
                        label: TenantMetricName.updatesReceived, dimensions: [("bot", bot), ("type", method)]
                    ).increment(by: recording.amount)
                    counts[[bot, method], default: 0] += recording.amount
                case 1:
                    factory.makeMeter(label: MetricCatalog.inboxDepth, dimensions: [("bot", bot)])
                        .set(Double(recording.amount))
                    gauges[[bot]] = Double(recording.amount)
                default:
                    factory.makeTimer(label: TenantMetricName.apiCall, dimensions: [("bot", bot), ("method", method)])
                        .recordNanoseconds(recording.amount)
                    observations[[bot, method], default: []].append(recording.amount)
                }
            }
            let page: Exposition
            do {
                page = try Exposition(String(decoding: registry.bytes, as: UTF8.self))
            } catch {
                Issue.record("\(error)")
                return
            }
            Self.expectHeaders(page)
            let counters = page.samples.filter { $0.name == TenantMetricName.updatesReceived }
            #expect(counters.count == counts.count)
            for (key, total) in counts {
                let found = counters.filter { $0.labels == ["bot": key[0], "type": key[1]] }
                #expect(found.map(\.value) == [Double(total)], "\(key)")
            }
            let depths = page.samples.filter { $0.name == MetricCatalog.inboxDepth }
            #expect(depths.count == gauges.count)
            for (key, value) in gauges {
                #expect(depths.filter { $0.labels == ["bot": key[0]] }.map(\.value) == [value])
            }
            Self.expectHistograms(page, observations)
        }
    }

    /// Every family: one TYPE (and the catalog's HELP), and each sample under its own TYPE line.
    static func expectHeaders(_ page: Exposition) {
        for sample in page.samples {
            #expect(page.family(of: sample) == sample.typed, "\(sample)")
        }
        for family in page.order {
            #expect(page.help[family] == MetricCatalog.helpText(family))
        }
        let expectedTypes = [
            TenantMetricName.updatesReceived: "counter", MetricCatalog.inboxDepth: "gauge",
            TenantMetricName.apiCall: "histogram",
        ]
        for (family, type) in page.types { #expect(expectedTypes[family] == type, "\(family)") }
    }

    /// Every histogram series: cumulative buckets over the catalog's bounds, `+Inf`, count and sum.
    static func expectHistograms(_ page: Exposition, _ observations: [[String]: [Int64]]) {
        let name = TenantMetricName.apiCall
        let bounds = MetricCatalog.buckets[name]!
        #expect(page.samples.filter { $0.name == name + "_count" }.count == observations.count)
        for (key, values) in observations {
            let labels = ["bot": key[0], "method": key[1]]
            let series = page.samples.filter { $0.labels.filter { $0.key != "le" } == labels }
            let buckets = series.filter { $0.name == name + "_bucket" }
            #expect(buckets.count == bounds.count + 1)
            for bound in bounds {
                let expected = values.filter { Duration.nanoseconds($0) <= bound }.count
                let found = buckets.first { $0.labels["le"] == bound.prometheusSeconds }
                #expect(found?.value == Double(expected), "\(key) le \(bound)")
            }
            #expect(buckets.first { $0.labels["le"] == "+Inf" }?.value == Double(values.count))
            #expect(series.first { $0.name == name + "_count" }?.value == Double(values.count))
            let sum = Double(values.reduce(0, +)) / 1e9
            let found = series.first { $0.name == name + "_sum" }?.value ?? -1
            #expect(abs(found - sum) <= sum * 1e-12, "\(found) != \(sum)")
        }
    }

    @Test("a page of hostile label values passes promtool check metrics")
    func promtoolAcceptsHostileLabels() async throws {
        let promtool = try ConformanceTests.tool("promtool")
        let registry = MetricsRegistry()
        let factory = DocumentedPrometheusFactory(registry: registry)
        var generator = SystemRandomNumberGenerator()
        for index in 0..<200 {
            let bot = "bot-\(index)-" + String((0..<8).map { _ in Array("ab\"\\\n{},= é").randomElement(using: &generator)! })
            factory.makeCounter(label: TenantMetricName.messagesSent, dimensions: [("bot", bot)]).increment(by: 3)
            factory.makeTimer(label: TenantMetricName.apiCall, dimensions: [("bot", bot), ("method", "getMe")])
                .recordNanoseconds(Int64(index) * 1_000_000)
            factory.makeRecorder(label: MetricCatalog.databaseBytes, dimensions: [("bot", bot)], aggregate: false)
                .record(Int64(index))
        }
        factory.makeMeter(label: MetricCatalog.openDatabases, dimensions: []).set(Int64(4))
        let (status, output) = try await ConformanceTests.run(promtool, ["check", "metrics"], input: Data(registry.bytes))
        #expect(status == 0, "promtool: \(output)")
    }

    @Test("many tasks recording into new and shared series at once: every count is there")
    func concurrentRecording() async throws {
        let registry = MetricsRegistry()
        let factory = DocumentedPrometheusFactory(registry: registry)
        let (tasks, rounds) = (16, 500)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for round in 0..<rounds {
                        factory.makeCounter(label: TenantMetricName.updatesHandled, dimensions: [("bot", "shared")])
                            .increment(by: 1)
                        factory.makeCounter(
                            label: TenantMetricName.updatesHandled, dimensions: [("bot", "bot-\(task)-\(round % 50)")]
                        ).increment(by: 1)
                        factory.makeTimer(label: TenantMetricName.apiCall, dimensions: [("bot", "shared"), ("method", "getMe")])
                            .recordNanoseconds(1_000_000)
                    }
                }
            }
        }
        let page = try Exposition(String(decoding: registry.bytes, as: UTF8.self))
        let handled = page.samples.filter { $0.name == TenantMetricName.updatesHandled }
        #expect(handled.count == 1 + tasks * 50)
        #expect(handled.first { $0.labels["bot"] == "shared" }?.value == Double(tasks * rounds))
        #expect(handled.filter { $0.labels["bot"] != "shared" }.allSatisfy { $0.value == Double(rounds / 50) })
        #expect(page.samples.first { $0.name == TenantMetricName.apiCall + "_count" }?.value == Double(tasks * rounds))
    }

    @Test("removing random bots drops exactly their series in every family; an emptied family disappears")
    func removingBots() async {
        let input = zip(Gen.int(in: 1...40), Gen.int(in: 0...40).array(of: 0...40))
        await propertyCheck(count: 200, input: input) { botCount, removals in
            let registry = MetricsRegistry()
            let factory = DocumentedPrometheusFactory(registry: registry)
            for index in 0..<botCount {
                let bot = "bot-\(index)"
                factory.makeCounter(label: TenantMetricName.messagesSent, dimensions: [("bot", bot)]).increment(by: 1)
                for method in Self.methods.prefix(index % 3 + 1) {
                    factory.makeTimer(label: TenantMetricName.apiCall, dimensions: [("bot", bot), ("method", method)])
                        .recordNanoseconds(5)
                }
            }
            factory.makeMeter(label: MetricCatalog.openDatabases, dimensions: []).set(Int64(1))
            let removed = Set(removals.map { "bot-\($0)" })
            for bot in removed { registry.removeSeries(bot: bot) }
            guard let page = try? Exposition(String(decoding: registry.bytes, as: UTF8.self)) else {
                Issue.record("the page does not parse")
                return
            }
            let left = (0..<botCount).map { "bot-\($0)" }.filter { !removed.contains($0) }
            let sent = page.samples.filter { $0.name == TenantMetricName.messagesSent }.compactMap { $0.labels["bot"] }
            #expect(Set(sent) == Set(left) && sent.count == left.count)
            let timed = Set(page.samples.filter { $0.name == TenantMetricName.apiCall + "_count" }.compactMap { $0.labels["bot"] })
            #expect(timed == Set(left))
            #expect((page.types[TenantMetricName.messagesSent] != nil) == !left.isEmpty)
            #expect(page.samples.contains { $0.name == MetricCatalog.openDatabases && $0.value == 1 })
        }
    }

    @Test("a destroyed handle's series goes; made again, it starts from zero; the others stay")
    func destroyingOneSeries() throws {
        let registry = MetricsRegistry()
        let factory = DocumentedPrometheusFactory(registry: registry)
        let alpha = Counter(label: TenantMetricName.deadLetters, dimensions: [("bot", "alpha")], factory: factory)
        let beta = Counter(label: TenantMetricName.deadLetters, dimensions: [("bot", "beta")], factory: factory)
        alpha.increment(by: 4)
        beta.increment(by: 2)
        let timer = Timer(label: TenantMetricName.apiCall, dimensions: [("bot", "alpha"), ("method", "getMe")], factory: factory)
        timer.recordNanoseconds(10)
        alpha.destroy()
        timer.destroy()
        var page = try Exposition(String(decoding: registry.bytes, as: UTF8.self))
        #expect(page.samples.filter { $0.name == TenantMetricName.deadLetters }.map(\.labels) == [["bot": "beta"]])
        #expect(page.types[TenantMetricName.apiCall] == nil)
        Counter(label: TenantMetricName.deadLetters, dimensions: [("bot", "alpha")], factory: factory).increment(by: 1)
        page = try Exposition(String(decoding: registry.bytes, as: UTF8.self))
        let values = page.samples.filter { $0.name == TenantMetricName.deadLetters }
        #expect(values.first { $0.labels["bot"] == "alpha" }?.value == 1)
        #expect(values.first { $0.labels["bot"] == "beta" }?.value == 2)
    }

    @Test("labels given in another order name the same series")
    func labelOrder() throws {
        let registry = MetricsRegistry()
        let first = registry.counter("aviary_test_total", help: "Test.", labels: [("bot", "a"), ("type", "message")])
        let second = registry.counter("aviary_test_total", help: "Test.", labels: [("type", "message"), ("bot", "a")])
        #expect(first === second)
    }

    @Test("a duration's seconds text is exact: whole seconds, a point, the fraction without trailing zeros")
    func secondsInText() async {
        await propertyCheck(count: 2_000, input: Gen.int64(in: 0...999_999_999_999_999)) { nanoseconds in
            let text = Duration.nanoseconds(nanoseconds).prometheusSeconds
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            #expect(parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty, "\(text)")
            #expect(parts[1] == "0" || parts[1].last != "0", "\(text)")
            #expect(Int64(parts[0]) == nanoseconds / 1_000_000_000, "\(text)")
            let fraction = String(parts[1]).padding(toLength: 9, withPad: "0", startingAt: 0)
            #expect(Int64(fraction) == nanoseconds % 1_000_000_000, "\(text)")
        }
        #expect(Duration.milliseconds(25).prometheusSeconds == "0.025")
        #expect(Duration.seconds(30).prometheusSeconds == "30.0")
    }
}
