import Foundation
import Synchronization
import Testing
@testable import Tenant

/// A host launches its bots rather than running each in a task of its own: the bot's end is
/// reported once, however it ends.
@Suite("Tenant launch", .timeLimit(.minutes(2)))
struct TenantLaunchTests {
    /// Every `onFinish` call, awaitable.
    final class Finishes: Sendable {
        private let calls = Mutex<[TenantError?]>([])
        private let first = StopSignal()

        var all: [TenantError?] { calls.withLock { $0 } }

        func record(_ error: TenantError?) {
            calls.withLock { $0.append(error) }
            first.fire()
        }

        func wait() async { await first.wait() }
    }

    @Test("a launched bot answers, and after a stop reports its end once with no error")
    func launchAndStop() async throws {
        let harness = TenantHarness()
        let finishes = Finishes()
        harness.tenant.launch { finishes.record($0) }
        try await harness.states.wait(for: .running)
        harness.platform.send(chat: 7, text: "hello")
        _ = try await harness.platform.waitForPerformed(1)

        harness.tenant.stop()
        await finishes.wait()
        try await harness.states.wait(for: .stopped)
        #expect(finishes.all.count == 1)
        #expect(finishes.all.first.map { $0 == nil } == true)
        #expect(harness.states.states.last == .stopped)
        #expect(harness.platform.identifyCalls.count == 1)
    }

    @Test("launching a bot again is refused at once, and its first run goes on")
    func launchTwice() async throws {
        let harness = TenantHarness()
        let finishes = Finishes()
        harness.tenant.launch { finishes.record($0) }
        let again = Finishes()
        harness.tenant.launch { again.record($0) }
        #expect(again.all.count == 1)
        #expect(again.all.first??.reason.contains("launched already") == true)
        try await harness.states.wait(for: .running)
        harness.platform.send(chat: 7, text: "hello")
        _ = try await harness.platform.waitForPerformed(1)
        harness.tenant.stop()
        await finishes.wait()
        #expect(finishes.all.count == 1)
        #expect(harness.platform.identifyCalls.count == 1)
    }

    @Test("a bot whose token is rejected reports the failure to its launcher, once")
    func launchFails() async throws {
        let rejected = PlatformError(kind: .unauthorized, method: "getMe", code: 401, message: "Unauthorized")
        let platform = ScriptedPlatform(identifyError: rejected)
        let harness = TenantHarness(platform: platform)
        let finishes = Finishes()
        harness.tenant.launch { finishes.record($0) }
        await finishes.wait()
        #expect(finishes.all.count == 1)
        #expect(finishes.all.first??.reason == "Unauthorized")
        #expect(harness.states.states.last == .failed("Unauthorized"))
    }

    @Test("a bot stopped while its platform does not answer reports its end with no error")
    func stopWhileStarting() async throws {
        let harness = TenantHarness(platform: ScriptedPlatform(hangsOnIdentify: true))
        let finishes = Finishes()
        harness.tenant.launch { finishes.record($0) }
        await harness.platform.identifyCalls.wait(atLeast: 1)
        harness.tenant.stop()
        await finishes.wait()
        #expect(finishes.all.count == 1)
        #expect(finishes.all.first.map { $0 == nil } == true)
        #expect(harness.states.states.last == .stopped)
    }

    @Test("a bot stopped while its start-up waits for the gate ends without opening its database or calling the platform")
    func stopWhileQueued() async throws {
        let gate = StartGate(width: 1)
        let holding = StopSignal()
        let release = StopSignal()
        gate.enqueue { _ in
            holding.fire()
            await release.wait()
        }
        await holding.wait()
        let harness = TenantHarness(startGate: gate)
        let finishes = Finishes()
        harness.tenant.launch { finishes.record($0) }
        harness.tenant.stop()
        release.fire()
        await finishes.wait()
        #expect(finishes.all.count == 1)
        #expect(finishes.all.first.map { $0 == nil } == true)
        #expect(harness.states.states.last == .stopped)
        #expect(harness.platform.identifyCalls.count == 0)
        #expect(!FileManager.default.fileExists(atPath: harness.databasePath))
    }

    @Test("bots launched through a gate of one all start and answer")
    func launchThroughGate() async throws {
        let gate = StartGate(width: 1)
        let harnesses = (0..<5).map { _ in TenantHarness(startGate: gate) }
        for harness in harnesses { harness.tenant.launch { _ in } }
        for harness in harnesses {
            try await harness.states.wait(for: .running)
            harness.platform.send(chat: 1, text: "hi")
            _ = try await harness.platform.waitForPerformed(1)
            harness.tenant.stop()
            try await harness.states.wait(for: .stopped)
        }
    }
}
