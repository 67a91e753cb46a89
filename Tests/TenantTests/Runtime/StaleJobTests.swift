import Foundation
import Synchronization
import Testing
import TenantTestSupport
@testable import Tenant

/// A due job handed to its chat's lane behind an update of that chat that changes the job.
@Suite("Scheduled jobs changed before their turn", .timeLimit(.minutes(5)))
struct StaleJobTests {
    /// Holds a plugin's `handle` until the test opens it, and tells the test it is held.
    final class Gate: Sendable {
        private struct State {
            var isOpen = false
            var waiters: [CheckedContinuation<Void, Never>] = []
            /// Tests waiting for someone to wait at the gate.
            var heldWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
            var nextID = 0
        }

        private let state = Mutex(State())

        func wait() async {
            await withCheckedContinuation { continuation in
                let (open, held) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if state.isOpen { return (true, []) }
                    state.waiters.append(continuation)
                    defer { state.heldWaiters = [:] }
                    return (false, Array(state.heldWaiters.values))
                }
                if open { continuation.resume() }
                for waiter in held { waiter.resume() }
            }
        }

        /// Waits until someone waits at the gate; bounded by the suite's time limit.
        func waitUntilHeld() async {
            let id = state.withLock { state -> Int in
                state.nextID += 1
                return state.nextID
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let held = state.withLock { state -> Bool in
                        if !state.waiters.isEmpty || Task.isCancelled { return true }
                        state.heldWaiters[id] = continuation
                        return false
                    }
                    if held { continuation.resume() }
                }
            } onCancel: {
                state.withLock { $0.heldWaiters.removeValue(forKey: id) }?.resume()
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
            await ScheduledJobTests.waitForTimer(time.clock, at: .seconds(60))
            platform.send(chat: 7, text: change)
            await gate.waitUntilHeld()
            time.clock.advance(by: .seconds(60))
            await ScheduledJobTests.waitForTimer(time.clock, at: .seconds(60) + Dispatcher.jobRecheck)
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
        #expect(try await ScheduledJobTests.jobCount(in: harness) == 1, "only chat 9's job is left")
    }

    @Test("a job moved later by an earlier update in its lane runs at its new time, with its new payload, once")
    func moved() async throws {
        let harness = try await Self.handOutBehind("held move 300 coffee") { platform, time in
            // Due at 360 s; the timer looks again at least every recheck interval.
            await ScheduledJobTests.waitForTimer(time.clock, at: .seconds(60) + Dispatcher.jobRecheck)
            #expect(platform.performed.count == 4, "nothing more until 360 s")
            time.clock.advance(by: .seconds(300))
            let performed = try await platform.waitForPerformed(5)
            #expect(performed.last == .init(chatID: 7, text: "⏰ coffee"))
        }
        #expect(try await ScheduledJobTests.jobCount(in: harness) == 1, "only chat 9's job is left")
    }
}
