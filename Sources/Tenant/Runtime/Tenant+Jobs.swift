import Foundation
import Logging

extension Tenant {
    /// The longest the job timer sleeps before it reads the wall clock again, in case the clock
    /// jumped. It does not read the table then: rings keep it told of earlier jobs.
    static let jobRecheck: Duration = .seconds(60)
    /// How many due jobs are handed out per look.
    static let jobBatch = 256
    /// Jobs due this close to now count as due: stored times keep milliseconds, so a job may
    /// read back a hair later than the moment it was due.
    static let jobTolerance: TimeInterval = 0.001

    /// Hands due jobs to their chats' lanes until the task is cancelled (the bot stops), sleeping
    /// until the next is due or an update schedules an earlier one.
    ///
    /// Start-up read when the earliest job is due (`earliestAtStart`), and the table is looked at
    /// again only once the earliest job it knows of is due or a commit schedules an earlier one:
    /// a bot with nothing due does not open its database for the timer, however far ahead its
    /// jobs are.
    func runJobs(store: BotStore, earliestAtStart: Date?) async {
        var backoff = configuration.backoff
        jobTimerTarget = earliestAtStart
        await sleepUntilDue(earliestAtStart)
        while !Task.isCancelled {
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
                await sleepUntilDue(nextDue)
            } catch {
                if Task.isCancelled { return }
                let delay = backoff.next()
                logger.error("cannot read scheduled jobs, retrying in \(delay): \(error)")
                _ = await waitForJobs(upTo: delay)
            }
        }
    }

    /// Returns once a job due at `due` is due (never when `nil`), at a ring, or when the bot
    /// stops; wakes every ``jobRecheck`` to read the wall clock again, not the table.
    private func sleepUntilDue(_ due: Date?) async {
        while !Task.isCancelled {
            let wait = due.map { Self.wait(until: $0, now: now()) }
            if wait == .zero { return }
            guard await waitForJobs(upTo: wait) else { return }
        }
    }

    /// How long the timer sleeps for a job due at `due`: until then, but at most ``jobRecheck``.
    private static func wait(until due: Date, now: Date) -> Duration {
        min(jobRecheck, .seconds(max(0, due.timeIntervalSince(now))))
    }

    /// Notes that a job left its lane (ran, or was dropped), and wakes the timer when an update
    /// or job scheduled one earlier than the timer waits for. A job moved later (a follow-up
    /// pushed back by every message) wakes nothing: the timer finds it not due and sleeps again.
    func jobSettled(_ id: Int64?, earliestSchedule: Date?) {
        if let id { jobsInFlight.remove(id) }
        guard let earliestSchedule else { return }
        if jobTimerTarget.map({ earliestSchedule < $0 }) ?? true { jobDoorbell.ring() }
    }

    /// Returns after `duration` (never when `nil`), at a ring, or when the task is cancelled:
    /// `true` when the time ran out.
    ///
    /// With no job scheduled (most bots) it waits for the ring in this task: a task group and
    /// its children would keep a few kilobytes per idle bot.
    private func waitForJobs(upTo duration: Duration?) async -> Bool {
        guard let duration else {
            await jobDoorbell.wait()
            return false
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await self.clock.sleep(for: duration)) != nil }
            group.addTask {
                await self.jobDoorbell.wait()
                return false
            }
            let timedOut = await group.next() ?? false
            group.cancelAll()
            return timedOut
        }
    }
}
