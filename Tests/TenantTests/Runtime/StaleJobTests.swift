import Foundation
import Synchronization
import Testing
import TenantTestSupport
@testable import Tenant

/// A due job handed to its chat's lane behind an update of that chat that changes the job.
@Suite("Scheduled jobs changed before their turn")
struct StaleJobTests {
    /// Holds a plugin's `handle` until the test opens it, and tells the test it is held.
    final class Gate: Sendable {
        private struct State {
            var isOpen = false
            var waiters: [CheckedContinuation<Void, Never>] = []
        }

        private let state = Mutex(State())

        /// Whether someone waits at the gate.
        var isHeld: Bool { state.withLock { !$0.waiters.isEmpty } }

        func wait() async {
            await withCheckedContinuation { continuation in
                let open = state.withLock { state -> Bool in
                    if !state.isOpen { state.waiters.append(continuation) }
                    return state.isOpen
                }
                if open { continuation.resume() }
            }
        }

        func open() {
            let waiters = state.withLock { state in
                state.isOpen = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// `remind SECONDS TEXT` schedules the chat's reminder; `held cancel` and `held move SECONDS
    /// TEXT` wait at the gate, then cancel or move it; `ping` answers `pong`. A due reminder
    /// answers `⏰ TEXT`.
    struct GatedReminders: Plugin {
        static let name = "gated"
        let gate: Gate

        init(configuration: NoConfiguration, bot: BotDescriptor) { gate = Gate() }
        init(gate: Gate) { self.gate = gate }

        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            guard let words = update.message?.text?.split(separator: " ").map(String.init) else { return .passed }
            switch words.first {
            case "remind":
                context.schedule("reminder", at: context.now.addingTimeInterval(Double(words[1])!), payload: words[2])
                context.reply("ok")
            case "held":
                await gate.wait()
                if words[1] == "cancel" {
                    context.cancelSchedule("reminder")
                } else {
                    context.schedule("reminder", at: context.now.addingTimeInterval(Double(words[2])!), payload: words[3])
                }
                context.reply("changed")
            case "ping":
                context.reply("pong")
            default:
                return .passed
            }
            return .handled
        }

        func fire(_ job: ScheduledJob, context: PluginContext) async throws {
            context.reply("⏰ \(job.payload)")
        }
    }

    /// Chat 7's reminder due at 60 s, and a far one in chat 9 so that the timer, once it handed
    /// out chat 7's, sleeps for its recheck interval: the sign that the job is in the lane.
    /// Then chat 7 sends `change`, held at the gate while the clock reaches 60 s, and `ping`.
    /// The stale job must not run: chat 7 gets `ok`, `changed`, `pong` and nothing else. Then
    /// `afterwards` runs, with the bot still up.
    ///
    /// - Returns: The harness, to look at the database.
    static func handOutBehind(
        _ change: String,
        afterwards: @escaping @Sendable (ScriptedPlatform, ScheduledJobTests.Time) async throws -> Void = { _, _ in }
    ) async throws -> TenantHarness {
        let (time, platform, gate) = (ScheduledJobTests.Time(), ScriptedPlatform(), Gate())
        let harness = TenantHarness(
            platform: platform, plugins: [GatedReminders(gate: gate)], databasePath: TenantHarness.temporaryDatabase(),
            clock: time.clock, now: time.now)
        try await harness.running {
            platform.send(chat: 7, text: "remind 60 tea")
            platform.send(chat: 9, text: "remind 1000 far")
            _ = try await platform.waitForPerformed(2)
            try await ScheduledJobTests.waitForTimer(time.clock, at: .seconds(60))
            platform.send(chat: 7, text: change)
            let limit = ContinuousClock.now + .seconds(30)
            while !gate.isHeld {
                try #require(ContinuousClock.now < limit, "the update never reached the gate")
                try await Task.sleep(for: .milliseconds(1))
            }
            time.clock.advance(by: .seconds(60))
            try await ScheduledJobTests.waitForTimer(time.clock, at: .seconds(60) + Tenant.jobRecheck)
            gate.open()
            platform.send(chat: 7, text: "ping")
            let performed = try await platform.waitForPerformed(4)
            #expect(performed.filter { $0.chatID == 7 }.map(\.text) == ["ok", "changed", "pong"])
            try await afterwards(platform, time)
        }
        return harness
    }

    @Test("a job cancelled by an earlier update in its lane does not run")
    func cancelled() async throws {
        let harness = try await Self.handOutBehind("held cancel")
        #expect(try ScheduledJobTests.jobCount(in: harness) == 1, "only chat 9's job is left")
    }

    @Test("a job moved later by an earlier update in its lane runs at its new time, with its new payload, once")
    func moved() async throws {
        let harness = try await Self.handOutBehind("held move 300 coffee") { platform, time in
            // Due at 360 s; the timer looks again at least every recheck interval.
            try await ScheduledJobTests.waitForTimer(time.clock, at: .seconds(60) + Tenant.jobRecheck)
            #expect(platform.performed.count == 4, "nothing more until 360 s")
            time.clock.advance(by: .seconds(300))
            let performed = try await platform.waitForPerformed(5)
            #expect(performed.last == .init(chatID: 7, text: "⏰ coffee"))
        }
        #expect(try ScheduledJobTests.jobCount(in: harness) == 1, "only chat 9's job is left")
    }
}
