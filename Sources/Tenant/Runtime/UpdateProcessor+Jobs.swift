import Foundation
import Logging
import Storage
import GRDB

extension UpdateProcessor {
    /// Runs a due job through its plugin's ``Plugin/fire(_:context:)`` and commits what the
    /// plugin did together with the job's removal.
    ///
    /// The job is read again first: an update of its chat that came before it in the lane may
    /// have cancelled it (or forgotten the person), so it does not run; or moved it later, so it
    /// runs then; or replaced its payload, which it runs with.
    ///
    /// A job whose plugin left the manifest, or whose plugin throws or times out, is dropped with
    /// the error logged and kept as the bot's last error: a job runs at most once to its commit.
    /// A job whose commit fails runs again, at most ``maxAttempts`` times in all.
    func process(_ handedOut: ScheduledJobRecord) async -> Outcome {
        var logger = logger
        logger[metadataKey: "chat"] = "\(handedOut.chatID)"
        logger[metadataKey: "job"] = "\(handedOut.key)"
        let job: ScheduledJobRecord
        do {
            guard let current = try await store.scheduledJob(id: handedOut.id) else {
                logger.debug("scheduled job was cancelled before its turn")
                return .handled(outbox: [], earliestSchedule: nil)
            }
            job = current
        } catch {
            logger.error("cannot read the scheduled job again; it waits for the timer's next look: \(error)")
            return .failed
        }
        if job.dueAt.timeIntervalSince(now()) > Dispatcher.jobTolerance {
            logger.debug("scheduled job was moved later before its turn; it runs then")
            return .handled(outbox: [], earliestSchedule: job.dueAt)
        }
        guard let plugin = plugins.first(where: { $0.instanceName == job.plugin }) else {
            return await drop(job, reason: "no plugin '\(job.plugin)' in the manifest runs it", logger: logger)
        }
        let attempt: Int
        do {
            attempt = try await store.beginAttempt(jobID: job.id)
        } catch {
            logger.error("cannot note the job's attempt; it waits for the timer's next look: \(error)")
            return .failed
        }
        guard attempt <= maxAttempts else {
            return await drop(
                job,
                reason: "given up after \(maxAttempts) attempts: the host stopped or its commit failed each time",
                logger: logger)
        }
        let startedAt = now()
        let scheduled = ScheduledJob(record: job)
        let effects = Effects()
        let update = Update(id: 0, content: .scheduled(scheduled), raw: Data())
        let running = RunningPlugin()
        running.enter(job.plugin)
        do {
            let context = context(for: update, plugin: job.plugin, effects: effects, logger: logger, now: startedAt)
            try await withHandlingDeadline(handlingTimeout, on: handlingClock, running: running) {
                try await plugin.fire(scheduled, context: context)
            }
        } catch is CancellationError {
            logger.info("scheduled job interrupted by the bot stopping; it runs at the next start")
            try? await store.releaseAttempt(jobID: job.id)
            return .failed
        } catch {
            return await drop(job, reason: "plugin '\(job.plugin)' failed: \(error)", logger: logger)
        }
        do {
            let outbox = try await writer.complete(jobID: job.id) { db in
                try effects.commit(updateID: nil, at: startedAt, in: db, plugins: plugins)
            }
            logger.debug("scheduled job ran", metadata: ["plugin": "\(job.plugin)"])
            reportForgotten(effects, updateID: nil)
            return .handled(outbox: outbox, earliestSchedule: effects.earliestSchedule)
        } catch {
            logger.error("scheduled job's commit failed; it runs again: \(error)")
            return .failed
        }
    }

    private func drop(_ job: ScheduledJobRecord, reason: String, logger: Logger) async -> Outcome {
        logger.error("scheduled job dropped: \(reason)")
        metrics.failedUpdate()
        do {
            try await writer.drop(jobID: job.id, at: now(), error: reason)
        } catch {
            logger.error("cannot drop the job, it stays scheduled: \(error)")
        }
        return .failed
    }
}
