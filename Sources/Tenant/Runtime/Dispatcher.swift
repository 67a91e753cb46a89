import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Runs the inbox through the plugin pipeline: chats in parallel, each chat strictly in order,
/// on workers started as work arrives; hands what each update committed to the outbox; and
/// keeps the timer that puts the plugins' due jobs into their chats' lanes.
///
/// It joins the rest of the bot only through the inbox (``Receiver``) and the outbox
/// (``Sender``). An idle dispatcher holds no task: workers end when the inbox is empty, and the
/// job timer runs only while a job is scheduled.
actor Dispatcher: Service {
    private enum State {
        /// Not started.
        case idle
        /// Serving the inbox with this processor.
        case running(UpdateProcessor)
        /// Finishing the work in hand; nothing new starts.
        case draining
        /// Stopped; what was left stays pending in the inbox and job tables.
        case stopped
    }

    private var state = State.idle
    /// Fires when the bot begins to stop: workers finish the item in hand and take no more.
    private let draining = StopSignal()
    /// Fires when ``run()`` is asked to shut down.
    private let shutdownRequested = StopSignal()

    let inbox: LaneScheduler<InboxWork>
    let outbox: LaneScheduler<OutboxEntry>
    let store: BotStore
    let maxConcurrentChats: Int
    let backoff: Backoff
    let logger: Logger
    let clock: any TenantClock
    let now: @Sendable () -> Date

    /// The job timer's task while it runs.
    var jobTimer: Task<Void, Never>?
    /// Wakes the job timer when an update scheduled a job earlier than it waits for.
    let jobDoorbell = Doorbell()
    /// Due jobs handed to a lane and not yet settled.
    var jobsInFlight: Set<Int64> = []
    /// When the next job the timer knows of is due; `nil` while it looks or knows of none.
    var jobTimerTarget: Date?

    /// Whether the bot began to stop.
    nonisolated var isDraining: Bool { draining.isFired }

    init(
        inbox: LaneScheduler<InboxWork>, outbox: LaneScheduler<OutboxEntry>, store: BotStore, maxConcurrentChats: Int,
        backoff: Backoff, logger: Logger, clock: any TenantClock, now: @escaping @Sendable () -> Date
    ) {
        self.inbox = inbox
        self.outbox = outbox
        self.store = store
        self.maxConcurrentChats = maxConcurrentChats
        self.backoff = backoff
        self.logger = logger
        self.clock = clock
        self.now = now
    }

    /// Starts serving the inbox with `processor`, and the job timer when a job is due at
    /// `earliestJob` or later.
    func start(processor: UpdateProcessor, earliestJob: Date?) async {
        guard case .idle = state else { return }
        state = .running(processor)
        await inbox.serve(upTo: maxConcurrentChats) { batch in
            await self.dispatch(batch, processor: processor)
        }
        if let earliestJob { startJobTimer(firstDue: earliestJob) }
    }

    /// Makes the workers stop after the item in hand; called as soon as the bot begins to stop.
    nonisolated func beginDraining() {
        draining.fire()
    }

    /// Stops: the job timer ends, the work in hand finishes, and the inbox closes (what is
    /// queued stays pending in the database for the next start).
    func shutdown() async {
        beginDraining()
        state = .draining
        jobTimer?.cancel()
        await jobTimer?.value
        jobTimer = nil
        await inbox.close()
        await inbox.waitUntilWorkersEnded()
        state = .stopped
    }

    /// Serves the inbox until a graceful shutdown or cancellation. The processor and the first
    /// due job come from the caller: ``start(processor:earliestJob:)`` first.
    nonisolated func run() async throws {
        await shutdownRequested.waitForGracefulShutdown()
        await shutdown()
    }

    /// Handles a batch of one chat's updates and due jobs in order, then hands the chat back to
    /// the inbox.
    private func dispatch(_ batch: LaneScheduler<InboxWork>.Batch, processor: UpdateProcessor) async {
        for work in batch.items {
            if draining.isFired { break }
            let outcome: UpdateProcessor.Outcome
            let jobID: Int64?
            switch work {
            case .update(let record, let received):
                (outcome, jobID) = (await processor.process(record, received: received), nil)
            case .job(let job):
                (outcome, jobID) = (await processor.process(job), job.id)
            }
            guard case .handled(let entries, let earliestSchedule) = outcome else {
                jobSettled(jobID, earliestSchedule: nil)
                continue
            }
            jobSettled(jobID, earliestSchedule: earliestSchedule)
            if !entries.isEmpty { await outbox.submit(entries, lane: \.chatID) }
        }
        await inbox.finish(batch.lane)
    }
}
