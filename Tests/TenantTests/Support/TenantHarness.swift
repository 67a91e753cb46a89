import Foundation
import Synchronization
import Logging
@testable import Tenant
import Storage

/// Runs a Tenant over a ``ScriptedPlatform`` in a temporary folder.
struct TenantHarness {
    let platform: ScriptedPlatform
    let tenant: Tenant
    let databasePath: String
    let states: StateRecorder

    init(
        platform: ScriptedPlatform = ScriptedPlatform(), plugins: [any Plugin] = [LedgerPlugin(configuration: .init(), bot: .test)],
        databasePath: String = TenantHarness.temporaryDatabase(), limits: DeliveryLimits = .unlimited,
        clock: any TenantClock = SystemClock(), now: @escaping @Sendable () -> Date = { Date() },
        flushTimeout: Duration = .seconds(5), handlingTimeout: Duration = .seconds(120),
        handlingClock: any TenantClock = SystemClock(), databases: OpenDatabases = OpenDatabases(),
        startGate: StartGate? = nil, onEvent: @escaping @Sendable (TenantEvent) -> Void = { _ in }
    ) {
        self.platform = platform
        self.databasePath = databasePath
        let states = StateRecorder()
        self.states = states
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        tenant = Tenant(
            configuration: TenantConfiguration(bot: .test, databasePath: databasePath, pollTimeout: .seconds(1),
                                               backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(50), minimum: .milliseconds(1)),
                                               limits: limits).with(flushTimeout: flushTimeout)
                .with(handlingTimeout: handlingTimeout),
            platform: platform, source: .polling(platform, webhooks: nil), decoder: ScriptedDecoder(), plugins: plugins,
            migrations: plugins.map { PluginMigrations(pluginName: type(of: $0).name, steps: type(of: $0).migrations) },
            databases: databases, startGate: startGate, logger: logger, clock: clock, handlingClock: handlingClock, now: now,
            onStateChange: { states.record($0) }, onEvent: onEvent)
    }

    static func temporaryDatabase() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-tests-\(UUID().uuidString)")
        return folder.appendingPathComponent("bot.sqlite").path
    }

    /// Runs the tenant while `body` executes, then stops it and waits for the drain.
    func running<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await tenant.running(reportingTo: states, body)
    }

    /// Opens the bot's database after a run, for assertions.
    func openStore() async throws -> BotStore {
        try await BotStore.open(path: databasePath, plugins: [])
    }
}

extension DeliveryLimits {
    /// Limits high enough never to pace a test that is not about pacing.
    static let unlimited = DeliveryLimits(
        privateChat: RateLimit(100_000, per: .seconds(1), burst: 100_000),
        group: RateLimit(100_000, per: .seconds(1), burst: 100_000),
        bot: RateLimit(100_000, per: .seconds(1), burst: 100_000),
        broadcast: RateLimit(100_000, per: .seconds(1), burst: 100_000))
}

extension BotDescriptor {
    static let test = BotDescriptor(id: "test-bot", name: "Test Bot", admins: [42])
}

/// Records state changes and lets tests await one.
final class StateRecorder: Sendable {
    private let signal = Mutex<(states: [TenantState], waiters: [(TenantState, CheckedContinuation<Void, Never>)])>(([], []))

    func record(_ state: TenantState) {
        let ready = signal.withLock { value -> [CheckedContinuation<Void, Never>] in
            value.states.append(state)
            var ready: [CheckedContinuation<Void, Never>] = []
            value.waiters.removeAll { waiter in
                guard waiter.0 == state || StateRecorder.isTerminal(state) else { return false }
                ready.append(waiter.1)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    var states: [TenantState] { signal.withLock { $0.states } }

    /// Waits until the tenant reaches `state` (or ends), at most `timeout`.
    func wait(for state: TenantState, timeout: Duration = .seconds(60)) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let done = self.signal.withLock { value -> Bool in
                        if value.states.contains(state) || value.states.contains(where: StateRecorder.isTerminal) { return true }
                        value.waiters.append((state, continuation))
                        return false
                    }
                    if done { continuation.resume() }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                self.releaseWaiters()
                throw StateTimeout(expected: state, seen: self.states)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func releaseWaiters() {
        let waiters = signal.withLock { value in
            defer { value.waiters.removeAll() }
            return value.waiters.map { $0.1 }
        }
        for waiter in waiters { waiter.resume() }
    }

    private static func isTerminal(_ state: TenantState) -> Bool {
        switch state {
        case .stopped, .failed: true
        default: false
        }
    }
}

struct StateTimeout: Error, CustomStringConvertible {
    var expected: TenantState
    var seen: [TenantState]
    var description: String { "timed out waiting for state \(expected); saw \(seen)" }
}

extension TenantConfiguration {
    func with(flushTimeout: Duration) -> TenantConfiguration {
        var copy = self
        copy.flushTimeout = flushTimeout
        return copy
    }
}

extension TenantConfiguration {
    func with(handlingTimeout: Duration) -> TenantConfiguration {
        var copy = self
        copy.handlingTimeout = handlingTimeout
        return copy
    }
}

extension Tenant {
    /// Runs the tenant while `body` executes (once `states` saw it running), then stops it and
    /// waits for the drain; a failing `body` still stops it.
    func running<T: Sendable>(
        reportingTo states: StateRecorder, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        async let run: Void = self.run()
        try await states.wait(for: .running)
        do {
            let value = try await body()
            stop()
            try await run
            return value
        } catch {
            stop()
            try? await run
            throw error
        }
    }
}
