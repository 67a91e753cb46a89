extension Tenant {
    /// Handles a batch of one chat's updates and due jobs in order, then hands the chat back to
    /// the inbox.
    ///
    /// Once the bot is stopping, the work in hand finishes and the rest stays pending in the
    /// inbox and the job table for the next start.
    func dispatch(_ batch: LaneScheduler<InboxWork>.Batch, processor: UpdateProcessor) async {
        for work in batch.items {
            if stopSignal.isFired { break }
            let outcome: UpdateProcessor.Outcome
            let jobID: Int64?
            switch work {
            case .update(let record):
                (outcome, jobID) = (await processor.process(record), nil)
            case .job(let job):
                (outcome, jobID) = (await processor.process(job), job.id)
            }
            guard case .handled(let rows, let blocking, let earliestSchedule) = outcome else {
                jobSettled(jobID, earliestSchedule: nil)
                continue
            }
            jobSettled(jobID, earliestSchedule: earliestSchedule)
            if let blocking { noteBlocking(chatID: blocking.chatID, blocked: blocking.blocked) }
            if !rows.isEmpty { await outbox.submit(rows, lane: \.chatID) }
        }
        await inbox.finish(batch.lane)
    }
}
