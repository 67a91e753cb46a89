/// Hands out work so that items of one lane (a chat) run strictly in order while different
/// lanes run in parallel on a bounded set of workers.
///
/// ``runWorkers(upTo:_:)`` serves it with workers started as work arrives (or workers loop on
/// ``next()`` themselves), calling ``finish(_:)`` when a batch is done. A lane is given to
/// one worker at a time; lanes are served round-robin, at most `batchLimit` items per turn, so a
/// busy chat cannot starve the others. Lanes holding an urgent item (an interactive reply) are
/// served before the rest (broadcast traffic).
///
/// - Important: `close()` ends the workers: waiting workers get `nil`, queued items are dropped
///   from memory. The owner keeps them durable elsewhere (the inbox or outbox), so they are
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
        depth = 0
        queues.removeAll()
        ready = ReadyQueue()
        urgentReady = ReadyQueue()
        urgentLanes.removeAll()
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
        } else if urgentLanes.contains(lane) {
            urgentReady.append(lane)
        } else {
            ready.append(lane)
        }
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
    /// Runs `work` on every batch until the scheduler closes, on at most `limit` workers at once.
    ///
    /// Workers are started when batches arrive and end when none is ready, so an idle bot holds
    /// one waiting task here instead of `limit` (a thousand idle bots held tens of thousands).
    /// Until the first batch arrives that task waits in this small frame, without the workers'
    /// task group: a task keeps the memory of its deepest call until it ends, and most bots of a
    /// big host never send a broadcast or get a message. `work` calls ``finish(_:)`` for its
    /// batch.
    nonisolated func runWorkers(upTo limit: Int, _ work: @escaping @Sendable (Batch) async -> Void) async {
        guard let first = await next() else { return }
        await runWorkers(from: first, upTo: limit, work)
    }

    /// ``runWorkers(upTo:_:)`` once its first batch arrived; not inlined, so that its frame is
    /// not part of the waiting one.
    @inline(never)
    private nonisolated func runWorkers(
        from first: Batch, upTo limit: Int, _ work: @escaping @Sendable (Batch) async -> Void
    ) async {
        await withTaskGroup(of: Void.self) { workers in
            var arrived: Batch? = first
            var started = 0
            while true {
                if started >= max(1, limit) {
                    // Every slot is taken; the busy workers go on taking ready batches in turn.
                    // Wait for one to end (nothing was ready) before waiting for work again.
                    await workers.next()
                    started -= 1
                }
                if arrived == nil { arrived = await next() }
                guard let batch = arrived else { break }
                arrived = nil
                started += 1
                workers.addTask {
                    var current: Batch? = batch
                    while let running = current {
                        await work(running)
                        current = await self.nextIfReady()
                    }
                }
            }
        }
    }
}

/// A FIFO of lanes with amortised O(1) removal from the front.
private struct ReadyQueue {
    private var lanes: [Int64] = []
    private var head = 0

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
