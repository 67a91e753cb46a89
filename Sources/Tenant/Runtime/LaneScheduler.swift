/// Hands out work so that items of one lane (a chat) run strictly in order while different
/// lanes run in parallel on a bounded set of workers.
///
/// ``serve(upTo:_:)`` serves it with workers started as work arrives, each ending when no batch
/// is ready (or workers loop on ``next()`` themselves), calling ``finish(_:)`` when a batch is
/// done. A lane is given to one worker at a time; lanes are served round-robin, at most
/// `batchLimit` items per turn, so a busy chat cannot starve the others. Lanes holding an urgent item (an interactive reply) are
/// served before the rest (broadcast traffic).
///
/// - Important: `close()` ends the workers: waiting workers get `nil`, serving workers end after
///   their batch in hand, queued items are dropped from memory. The owner keeps them durable elsewhere (the inbox or outbox), so they are
///   picked up again at the next start.
actor LaneScheduler<Item: Sendable> {
    /// A run of items of one lane, in order.
    struct Batch: Sendable {
        var lane: Int64
        var items: [Item]
    }

    private var queues: [Int64: [Item]] = [:]
    private var ready = ReadyQueue()
    private var urgentReady = ReadyQueue()
    private var urgentLanes: Set<Int64> = []
    /// Lanes being worked on, with the size of their batch.
    private var active: [Int64: Int] = [:]
    private var waiters: [CheckedContinuation<Batch?, Never>] = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private(set) var isClosed = false
    private let batchLimit: Int
    private let isUrgent: @Sendable (Item) -> Bool
    /// How ``serve(upTo:_:)`` handles batches, once it was called.
    private var service: Service?
    /// The workers started by ``serve(upTo:_:)`` and not ended yet, by number.
    private var workers: [Int: Task<Void, Never>] = [:]
    private var nextWorker = 0
    private var workersEndedWaiters: [CheckedContinuation<Void, Never>] = []

    private struct Service {
        let limit: Int
        let work: @Sendable (Batch) async -> Void
    }

    init(batchLimit: Int = 32, isUrgent: @escaping @Sendable (Item) -> Bool = { _ in false }) {
        self.batchLimit = batchLimit
        self.isUrgent = isUrgent
    }

    /// Whether nothing is queued or being worked on.
    var isIdle: Bool { queues.isEmpty && active.isEmpty }

    /// Items queued or being worked on.
    private(set) var depth = 0

    /// Queues items; each goes to the end of its lane.
    func submit(_ items: [Item], lane: (Item) -> Int64) {
        guard !isClosed else { return }
        depth += items.count
        for item in items {
            let key = lane(item)
            let wasQueued = queues[key] != nil
            queues[key, default: []].append(item)
            if isUrgent(item) && !urgentLanes.contains(key) {
                urgentLanes.insert(key)
                if wasQueued && active[key] == nil { urgentReady.append(key) }
            }
            if !wasQueued && active[key] == nil { markReady(key) }
        }
    }

    /// Waits for the next batch; `nil` once the scheduler is closed.
    func next() async -> Batch? {
        if let batch = takeBatch() { return batch }
        if isClosed { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// The next batch if one is ready now, without waiting.
    func nextIfReady() -> Batch? {
        isClosed ? nil : takeBatch()
    }

    /// Returns a lane after its batch ran; the lane's later items become ready.
    func finish(_ lane: Int64) {
        depth -= active.removeValue(forKey: lane) ?? 0
        if queues[lane] != nil {
            markReady(lane)
        } else if isIdle {
            for waiter in idleWaiters { waiter.resume() }
            idleWaiters.removeAll()
        }
    }

    /// Stops handing out work; waiting workers get `nil`.
    func close() {
        isClosed = true
        service = nil
        depth = 0
        queues.removeAll()
        ready = ReadyQueue()
        urgentReady = ReadyQueue()
        urgentLanes.removeAll()
        // Batches in hand are forgotten too: their workers' `finish` must not count them again.
        active.removeAll()
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters.removeAll()
    }

    /// Waits until nothing is queued or running (or the scheduler closes).
    func waitUntilIdle() async {
        if isIdle || isClosed { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func markReady(_ lane: Int64) {
        if let waiter = waiters.first {
            waiters.removeFirst()
            waiter.resume(returning: startBatch(lane))
            return
        }
        if urgentLanes.contains(lane) {
            urgentReady.append(lane)
        } else {
            ready.append(lane)
        }
        startWorkerIfNeeded()
    }

    private func takeBatch() -> Batch? {
        // A lane can sit in both queues (it became urgent while waiting); skip stale entries.
        while let lane = urgentReady.popFirst() ?? ready.popFirst() {
            if queues[lane] != nil && active[lane] == nil { return startBatch(lane) }
        }
        return nil
    }

    private func startBatch(_ lane: Int64) -> Batch {
        var queue = queues.removeValue(forKey: lane) ?? []
        if queue.count > batchLimit {
            let rest = Array(queue[batchLimit...])
            queues[lane] = rest
            queue.removeSubrange(batchLimit...)
            if !rest.contains(where: isUrgent) { urgentLanes.remove(lane) }
        } else {
            urgentLanes.remove(lane)
        }
        active[lane] = queue.count
        return Batch(lane: lane, items: queue)
    }
}

extension LaneScheduler {
    /// Runs `work` on every batch from now until the scheduler closes, on at most `limit`
    /// workers at once; `work` calls ``finish(_:)`` for its batch.
    ///
    /// A worker is a task started when a batch is ready and no worker is free to take it; it
    /// takes ready batches in turn and ends when none is left. An idle scheduler holds no task:
    /// a task keeps the memory of its deepest call until it ends, and most bots of a big host
    /// are idle most of the time.
    func serve(upTo limit: Int, _ work: @escaping @Sendable (Batch) async -> Void) {
        guard !isClosed else { return }
        service = Service(limit: max(1, limit), work: work)
        startWorkerIfNeeded()
    }

    /// Cancels the workers' batches in hand (after ``close()``, so that they take no more).
    func cancelWorkers() {
        for worker in workers.values { worker.cancel() }
    }

    /// Returns once every worker started by ``serve(upTo:_:)`` has ended.
    func waitUntilWorkersEnded() async {
        if workers.isEmpty { return }
        await withCheckedContinuation { workersEndedWaiters.append($0) }
    }

    /// Starts a worker when a batch is ready that no running worker is free to take.
    private func startWorkerIfNeeded() {
        guard let service, workers.count < service.limit else { return }
        // Workers between two batches take the ready ones first.
        let free = workers.count - active.count
        guard free < ready.count + urgentReady.count else { return }
        let number = nextWorker
        nextWorker += 1
        workers[number] = Task.detached { [work = service.work] in
            while let batch = await self.nextForWorker(number) {
                await work(batch)
            }
        }
    }

    /// The next ready batch for worker `number`, or `nil` (and the worker ends) when none is.
    private func nextForWorker(_ number: Int) -> Batch? {
        if let batch = nextIfReady() { return batch }
        workers[number] = nil
        if workers.isEmpty {
            for waiter in workersEndedWaiters { waiter.resume() }
            workersEndedWaiters.removeAll()
        }
        return nil
    }
}

/// A FIFO of lanes with amortised O(1) removal from the front.
private struct ReadyQueue {
    private var lanes: [Int64] = []
    private var head = 0

    /// Lanes queued, stale entries included.
    var count: Int { lanes.count - head }

    mutating func append(_ lane: Int64) {
        lanes.append(lane)
    }

    mutating func popFirst() -> Int64? {
        guard head < lanes.count else { return nil }
        let lane = lanes[head]
        head += 1
        if head > 1024, head * 2 > lanes.count {
            lanes.removeFirst(head)
            head = 0
        }
        return lane
    }
}
