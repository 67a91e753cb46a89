import Foundation
import Logging

extension Tenant {
    /// The longest the job timer sleeps before it looks at the table again, in case the wall
    /// clock jumped.
    static let jobRecheck: Duration = .seconds(60)
    /// How many due jobs are handed out per look.
    static let jobBatch = 256
    /// Jobs due this close to now count as due: stored times keep milliseconds, so a job may
    /// read back a hair later than the moment it was due.
    static let jobTolerance: TimeInterval = 0.001

    /// Hands due jobs to their chats' lanes until the task is cancelled (the bot stops), sleeping
    /// until the next is due or an update schedules an earlier one.
    func runJobs(store: BotStore) async {
        var backoff = configuration.backoff
        while !Task.isCancelled {
            let wait: Duration?
            // While it looks, any new job may be the earliest: commits meanwhile ring.
            jobTimerTarget = nil
            do {
                // Read in a task of its own: a task keeps the memory of its deepest call until it
                // ends, and this one waits as long as the bot runs.
                let (at, inFlight) = (now().addingTimeInterval(Self.jobTolerance), jobsInFlight)
                let (due, nextDue) = try await Task.detached {
                    try await store.dueJobs(at: at, excluding: inFlight, limit: Self.jobBatch)
                }.valueCancellingWithCaller()
                backoff.reset()
                if !due.isEmpty {
                    jobsInFlight.formUnion(due.map(\.id))
                    await inbox.submit(due.map(InboxWork.job), lane: \.lane)
                }
                jobTimerTarget = nextDue
                wait = nextDue.map { min(Self.jobRecheck, .seconds(max(0, $0.timeIntervalSince(now())))) }
            } catch {
                if Task.isCancelled { return }
                let delay = backoff.next()
                logger.error("cannot read scheduled jobs, retrying in \(delay): \(error)")
                wait = delay
            }
            if wait == .zero { continue }
            await waitForJobs(upTo: wait)
        }
    }

    /// Notes that a job left its lane (ran, or was dropped), and wakes the timer when an update
    /// or job scheduled one earlier than the timer waits for. A job moved later (a follow-up
    /// pushed back by every message) wakes nothing: the timer finds it not due and sleeps again.
    func jobSettled(_ id: Int64?, earliestSchedule: Date?) {
        if let id { jobsInFlight.remove(id) }
        guard let earliestSchedule else { return }
        if jobTimerTarget.map({ earliestSchedule < $0 }) ?? true { jobDoorbell.ring() }
    }

    /// Returns after `duration` (never when `nil`), at a ring, or when the task is cancelled.
    ///
    /// With no job scheduled (most bots) it waits for the ring in this task: a task group and
    /// its children would keep a few kilobytes per idle bot.
    private func waitForJobs(upTo duration: Duration?) async {
        guard let duration else {
            await jobDoorbell.wait()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.clock.sleep(for: duration) }
            group.addTask { await self.jobDoorbell.wait() }
            await group.next()
            group.cancelAll()
        }
    }
}
