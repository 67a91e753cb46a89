import Foundation
import Testing
import Plugins
import Tenant
import Storage
import GRDB

/// The candidate search over 100,000 profiles: prints the time per search (a figure for the
/// README, never asserted on a shared machine) and checks that SQLite uses the search index.
@Suite("Dating: candidate search benchmark", .timeLimit(.minutes(5)))
struct DatingSearchBenchmarkTests {
    static let profiles = 100_000
    static let cities = 50
    static let viewers = 200
    static let searchesPerViewer = 5

    @Test("candidate search benchmark: 100,000 profiles, p50 and p99 printed, the plan uses the search index")
    func benchmark() async throws {
        let store = try BotStore(inMemoryWith: [PluginMigrations(pluginName: DatingPlugin.name, steps: DatingPlugin.migrations)])
        try await store.write { db in try Self.populate(db) }
        let search = CandidateSearch(ageRange: 5, minimumAge: 18)

        let (durations, found, plan) = try await store.read { db in
            var durations: [Duration] = []
            var found = 0
            let clock = ContinuousClock()
            for viewer in 1...Int64(Self.viewers) {
                for _ in 0..<Self.searchesPerViewer {
                    let start = clock.now
                    if try search.nextCandidateID(forUser: viewer, in: db) != nil { found += 1 }
                    durations.append(clock.now - start)
                }
            }
            return (durations, found, try search.queryPlan(forUser: 1, in: db))
        }

        let sorted = durations.sorted()
        let p50 = sorted[sorted.count / 2]
        let p99 = sorted[sorted.count * 99 / 100]
        print("""
            dating candidate search: \(Self.profiles) profiles in \(Self.cities) cities, \(sorted.count) searches \
            (\(found) found a candidate): p50 \(Self.milliseconds(p50)) ms, p99 \(Self.milliseconds(p99)) ms
            plan: \(plan.joined(separator: " | "))
            """)
        #expect(found > sorted.count / 2, "the data gives most viewers a candidate")
        #expect(plan.contains { $0.contains("USING INDEX dating_profiles_search") }, "\(plan)")
        #expect(plan.contains { $0.contains("INDEX dating_views_seen") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "no full scan: \(plan)")
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.3f", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }

    /// Finished profiles with seeded random answers; each viewer has seen 100 people and liked
    /// 20, and the first tenth of them have seen everyone in their city (the seen search).
    static func populate(_ db: Database) throws {
        var random = SplitMix64(seed: 42)
        let insert = try db.makeStatement(sql: """
            INSERT INTO dating_profiles
              (user_id, chat_id, name, age, gender, seeking, city, city_key, bio, photo, complete, paused, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Bio', 'photo', 1, ?, 0)
            """)
        for id in 1...Int64(profiles) {
            let city = "city \(random.next(below: cities))"
            let gender = random.next(below: 2) == 0 ? "m" : "f"
            let seeking = ["m", "f", "f", "m", "a"][random.next(below: 5)]
            let paused = random.next(below: 20) == 0 && id > viewers
            try insert.execute(arguments: [
                id, id, "Person \(id)", 18 + random.next(below: 43), gender, seeking, city, city, paused,
            ])
        }
        let view = try db.makeStatement(sql: "INSERT OR IGNORE INTO dating_views (from_id, to_id, at) VALUES (?, ?, ?)")
        let like = try db.makeStatement(sql: "INSERT OR IGNORE INTO dating_likes (from_id, to_id, at) VALUES (?, ?, ?)")
        for viewer in 1...Int64(viewers) {
            for index in 0..<100 {
                let other = Int64(1 + random.next(below: profiles))
                try view.execute(arguments: [viewer, other, Double(index)])
                if index < 20 { try like.execute(arguments: [viewer, other, Double(index)]) }
            }
        }
        for viewer in 1...Int64(viewers / 10) {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO dating_views (from_id, to_id, at)
                    SELECT ?1, user_id, 1000 + user_id FROM dating_profiles
                    WHERE city_key = (SELECT city_key FROM dating_profiles WHERE user_id = ?1)
                    """,
                arguments: [viewer])
        }
    }
}

/// A small seeded generator, so every run measures the same data.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A number in `0..<bound`.
    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
