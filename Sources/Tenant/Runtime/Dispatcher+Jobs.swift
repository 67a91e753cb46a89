import Foundation
import Logging
import Storage

extension Dispatcher {
    /// The longest the job timer sleeps before it reads the wall clock again, in case the clock
    /// jumped. It does not read the table then: rings keep it told of earlier jobs.
    static let jobRecheck: Duration = .seconds(60)
    /// How many due jobs are handed out per look.
    static let jobBatch = 256
    /// Jobs due this close to now count as due: stored times keep milliseconds, so a job may
    /// read back a hair later than the moment it was due.
    static let jobTolerance: TimeInterval = 0.001

    /// Starts the job timer, which first sleeps until `firstDue`.
    func startJobTimer(firstDue: Date?) {
        guard jobTimer == nil, !isDraining else { return }
        jobTimerTarget = firstDue
        jobTimer = Task.detached { await self.runJobs(firstDue: firstDue) }
    }

    /// Notes that a job left its lane (ran, or was dropped), and wakes the timer (or starts
    /// it) when an update or job scheduled one earlier than the timer waits for. A job moved
    /// later (a follow-up pushed back by every message) wakes nothing: the timer finds it not
    /// due and sleeps again.
    func jobSettled(_ id: Int64?, earliestSchedule: Date?) {
        if let id { jobsInFlight.remove(id) }
        guard let earliestSchedule else { return }
        guard jobTimer != nil else {
            startJobTimer(firstDue: nil)
            return
        }
        if jobTimerTarget.map({ earliestSchedule < $0 }) ?? true { jobDoorbell.ring() }
    }

    /// Hands due jobs to their chats' lanes until none is scheduled or the task is cancelled
    /// (the bot stops), sleeping until the next is due or an update schedules an earlier one.
    ///
    /// The table is looked at only once the earliest job the timer knows of is due or a commit
    /// schedules an earlier one, so a bot with nothing due does not open its database for the
    /// timer. When a look finds nothing scheduled the timer ends; the next schedule starts it.
    private func runJobs(firstDue: Date?) async {
        var backoff = backoff
        if let firstDue { await sleepUntilDue(firstDue) }
        while !Task.isCancelled {
            // While it looks, any new job may be the earliest: commits meanwhile ring.
            jobTimerTarget = nil
            do {
                // Read in a task of its own: a task keeps the memory of its deepest call until it
                // ends.
                let (at, inFlight, store) = (now().addingTimeInterval(Self.jobTolerance), jobsInFlight, store)
                let (due, nextDue) = try await Task.detached {
                    try await store.dueJobs(at: at, excluding: inFlight, limit: Self.jobBatch)
                }.valueCancellingWithCaller()
                backoff.reset()
                if !due.isEmpty {
                    jobsInFlight.formUnion(due.map(\.id))
                    await inbox.submit(due.map(InboxWork.job), lane: \.lane)
                }
                guard let nextDue else {
                    // Nothing more is scheduled, unless a commit rang while the timer looked.
                    if jobDoorbell.takeRing() { continue }
                    jobTimer = nil
                    return
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

    /// Returns once a job due at `due` is due, at a ring, or when the bot stops; wakes every
    /// ``jobRecheck`` to read the wall clock again, not the table.
    private func sleepUntilDue(_ due: Date) async {
        while !Task.isCancelled {
            let wait = min(Self.jobRecheck, .seconds(max(0, due.timeIntervalSince(now()))))
            if wait == .zero { return }
            guard await waitForJobs(upTo: wait) else { return }
        }
    }

    /// Returns after `duration`, at a ring, or when the task is cancelled: `true` when the
    /// time ran out.
    private func waitForJobs(upTo duration: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
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
