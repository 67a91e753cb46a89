import CoreMetrics
import Foundation
import Logging
import Synchronization
import TenantTestSupport
@testable import Tenant
import Storage

/// Lets a test await a condition over several fakes: each fake calls ``signal()`` after a change,
/// and every waiter whose condition now holds is resumed.
final class Changes: Sendable {
    private let waiters = Mutex<[(condition: @Sendable () -> Bool, continuation: CheckedContinuation<Void, Never>)]>([])

    /// Waits until `condition` holds; it is checked now and after every change.
    func wait(until condition: @escaping @Sendable () -> Bool) async {
        await withCheckedContinuation { continuation in
            let holds = waiters.withLock { waiters -> Bool in
                if condition() { return true }
                waiters.append((condition, continuation))
                return false
            }
            if holds { continuation.resume() }
        }
    }

    /// Re-checks every waiter's condition.
    func signal() {
        let ready = waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            var ready: [CheckedContinuation<Void, Never>] = []
            waiters.removeAll { waiter in
                guard waiter.condition() else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }
}

/// A ``ManualClock`` that also counts the tasks sleeping on it, so a test can wait until every
/// sender it expects has gone to sleep before moving time.
final class CountingClock: TenantClock {
    let manual = ManualClock()
    let changes: Changes
    private let counts = Mutex((sleeping: 0, woken: 0))

    init(changes: Changes) { self.changes = changes }

    var now: Duration { manual.now }

    /// How many tasks sleep on the clock now.
    var sleepers: Int { counts.withLock { $0.sleeping } }

    /// How many sleeps have ended so far (by their deadline or by cancellation).
    var woken: Int { counts.withLock { $0.woken } }

    func sleep(until deadline: Duration) async throws {
        counts.withLock { $0.sleeping += 1 }
        changes.signal()
        defer {
            counts.withLock { $0.sleeping -= 1; $0.woken += 1 }
            changes.signal()
        }
        try await manual.sleep(until: deadline)
    }

    /// Moves time forward to `instant`.
    func advance(to instant: Duration) { manual.advance(by: instant - manual.now) }
}

/// A platform over ``ScriptedPlatform`` that records every send attempt with the clock's time,
/// and can hold the first attempt until the test says how it ends.
final class GatedPlatform: PlatformClient, UpdatePoller, Sendable {
    /// One call to `perform`.
    struct Attempt: Sendable, Equatable {
        var chatID: Int64
        var at: Duration
        var failed: Bool
    }

    let inner = ScriptedPlatform()
    let changes: Changes
    private let clock: any TenantClock
    private let state = Mutex<(attempts: [Attempt], gate: CheckedContinuation<PlatformError?, Never>?, gated: Bool)>(
        ([], nil, false))

    init(clock: any TenantClock, changes: Changes, holdFirst: Bool = false) {
        self.clock = clock
        self.changes = changes
        state.withLock { $0.gated = holdFirst }
    }

    /// Every attempt so far, in order.
    var attempts: [Attempt] { state.withLock { $0.attempts } }

    /// Whether the held first attempt is waiting for ``release(with:)``.
    var isHolding: Bool { state.withLock { $0.gate != nil } }

    /// Ends the held attempt: with `error`, or as sent when `nil`.
    func release(with error: PlatformError?) {
        let gate = state.withLock { state in
            defer { state.gate = nil }
            return state.gate
        }
        gate?.resume(returning: error)
    }

    func identify() async throws -> BotIdentity { try await inner.identify() }

    func poll(offset: Int64?, timeout: Duration, kinds: Set<UpdateKind>) async throws -> [ReceivedUpdate] {
        try await inner.poll(offset: offset, timeout: timeout, kinds: kinds)
    }

    func perform(_ action: OutgoingAction) async throws -> DeliveryReceipt {
        let held = state.withLock { state -> Bool in
            defer { state.gated = false }
            return state.gated
        }
        if held {
            let error = await withCheckedContinuation { continuation in
                state.withLock { $0.gate = continuation }
                changes.signal()
            }
            if let error {
                record(action, failed: true)
                throw error
            }
        }
        do {
            let receipt = try await inner.perform(action)
            record(action, failed: false)
            return receipt
        } catch {
            record(action, failed: true)
            throw error
        }
    }

    private func record(_ action: OutgoingAction, failed: Bool) {
        let now = clock.now
        state.withLock { $0.attempts.append(Attempt(chatID: action.chatID, at: now, failed: failed)) }
        changes.signal()
    }
}

/// Counts what the tenant's counters were incremented by, by label.
final class CountingMetrics: MetricsFactory {
    private final class Totals: Sendable {
        let counts = Mutex<[String: Int64]>([:])
    }

    private final class Handler: CounterHandler {
        let label: String
        let totals: Totals
        init(label: String, totals: Totals) {
            self.label = label
            self.totals = totals
        }
        func increment(by amount: Int64) { totals.counts.withLock { $0[label, default: 0] += amount } }
        func reset() { totals.counts.withLock { $0[label] = 0 } }
    }

    private let totals = Totals()

    /// The total of counter `label`.
    func value(_ label: String) -> Int64 { totals.counts.withLock { $0[label] ?? 0 } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(label: label, totals: totals)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { NOOPMetricsHandler.instance }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// A Tenant over a ``GatedPlatform`` and a ``CountingClock``, with counted metrics.
struct GatedTenant {
    let changes = Changes()
    let clock: CountingClock
    let platform: GatedPlatform
    let metrics = CountingMetrics()
    let tenant: Tenant
    let databasePath: String
    let states = StateRecorder()

    init(plugins: [any Plugin], limits: DeliveryLimits, holdFirst: Bool = false,
         databasePath: String = TenantHarness.temporaryDatabase()) {
        clock = CountingClock(changes: changes)
        platform = GatedPlatform(clock: clock, changes: changes, holdFirst: holdFirst)
        self.databasePath = databasePath
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let states = states
        tenant = Tenant(
            configuration: TenantConfiguration(
                bot: .test, databasePath: databasePath, pollTimeout: .seconds(1),
                backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(50), minimum: .milliseconds(1)),
                limits: limits
            ).with(flushTimeout: .milliseconds(1)),
            platform: platform, source: .polling(platform, webhooks: nil), decoder: ScriptedDecoder(), plugins: plugins,
            migrations: plugins.map { PluginMigrations(pluginName: type(of: $0).name, steps: type(of: $0).migrations) },
            logger: logger, clock: clock, metricsFactory: metrics, onStateChange: { states.record($0) })
    }

    /// Runs the tenant while `body` executes, then stops it and waits for the drain.
    func running<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await tenant.running(reportingTo: states, body)
    }

    /// Opens the bot's database, for assertions.
    func openStore() async throws -> BotStore { try await BotStore.open(path: databasePath, plugins: []) }
}
