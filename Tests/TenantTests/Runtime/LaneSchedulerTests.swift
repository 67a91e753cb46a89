import Testing
@testable import Tenant

@Suite("LaneScheduler", .timeLimit(.minutes(5)))
struct LaneSchedulerTests {
    @Test("a lane is given to one worker at a time and keeps its order")
    func laneExclusive() async {
        let scheduler = LaneScheduler<Int>(batchLimit: 2)
        await scheduler.submit([1, 2, 3, 10, 11], lane: { Int64($0 / 10) })
        let first = await scheduler.next()
        let second = await scheduler.next()
        #expect(first?.lane == 0 && first?.items == [1, 2])
        #expect(second?.lane == 1 && second?.items == [10, 11])
        // Lane 0 still has item 3 but is busy until finished.
        await scheduler.submit([4], lane: { _ in 0 })
        await scheduler.finish(0)
        let third = await scheduler.next()
        #expect(third?.lane == 0 && third?.items == [3, 4])
    }

    @Test("a waiting worker is woken by new work, and close releases waiters")
    func wakeAndClose() async {
        let scheduler = LaneScheduler<Int>()
        async let waiting = scheduler.next()
        await Task.yield()
        await scheduler.submit([5], lane: { _ in 5 })
        #expect(await waiting?.items == [5])
        async let released = scheduler.next()
        await scheduler.close()
        #expect(await released == nil)
        await scheduler.submit([6], lane: { _ in 6 })
        #expect(await scheduler.next() == nil)
    }

    @Test("waitUntilIdle returns once every lane finished")
    func idle() async {
        let scheduler = LaneScheduler<Int>()
        await scheduler.submit([1], lane: { _ in 1 })
        let batch = await scheduler.next()
        #expect(await scheduler.isIdle == false)
        async let idle: Void = scheduler.waitUntilIdle()
        await scheduler.finish(batch!.lane)
        await idle
        #expect(await scheduler.isIdle)
    }

    /// What the workers of `serve` did.
    private actor WorkLog {
        var handled: [Int64: [Int]] = [:]
        var running = 0
        var mostAtOnce = 0
        /// Tests waiting for a number of handled items.
        private var countWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        func begin() {
            running += 1
            mostAtOnce = max(mostAtOnce, running)
        }

        func end(_ batch: LaneScheduler<Int>.Batch) {
            running -= 1
            handled[batch.lane, default: []].append(contentsOf: batch.items)
            let count = count
            for waiter in countWaiters where waiter.count <= count { waiter.continuation.resume() }
            countWaiters.removeAll { $0.count <= count }
        }

        var count: Int { handled.values.map(\.count).reduce(0, +) }

        /// Returns once `count` items were handled; bounded by the suite's time limit.
        func waitForCount(_ count: Int) async {
            guard self.count < count else { return }
            await withCheckedContinuation { countWaiters.append((count, $0)) }
        }
    }

    @Test("serve handles every item in lane order on at most `limit` workers, which end when idle")
    func elasticWorkers() async throws {
        let scheduler = LaneScheduler<Int>(batchLimit: 3)
        let log = WorkLog()
        await scheduler.serve(upTo: 4) { batch in
            await log.begin()
            for _ in 0..<20 { await Task.yield() }
            await log.end(batch)
            await scheduler.finish(batch.lane)
        }
        // 10 lanes × 30 items, submitted in waves while workers run; then a second burst after
        // the workers ended, which starts new ones.
        for wave in 0..<3 {
            let items = (0..<10).flatMap { lane in (0..<10).map { lane * 1000 + wave * 10 + $0 } }
            await scheduler.submit(items, lane: { Int64($0 / 1000) })
            await Task.yield()
        }
        await log.waitForCount(300)
        await scheduler.waitUntilIdle()
        await scheduler.waitUntilWorkersEnded()
        await scheduler.submit((0..<10).map { $0 * 1000 + 30 }, lane: { Int64($0 / 1000) })
        await log.waitForCount(310)
        await scheduler.waitUntilWorkersEnded()
        await scheduler.close()

        let handled = await log.handled
        #expect(handled.count == 10)
        for (lane, items) in handled {
            #expect(items == (0...30).map { Int(lane) * 1000 + $0 }, "lane \(lane) out of order")
        }
        let most = await log.mostAtOnce
        #expect(most <= 4)
        #expect(most > 1, "lanes should run in parallel")
    }

    @Test("serve on a closed scheduler starts no worker, and work submitted after the close is dropped")
    func closedBeforeWork() async {
        let scheduler = LaneScheduler<Int>()
        await scheduler.close()
        await scheduler.serve(upTo: 4) { _ in Issue.record("no work may run after the close") }
        await scheduler.submit([1], lane: { Int64($0) })
        #expect(await scheduler.depth == 0)
        await scheduler.waitUntilWorkersEnded()
    }

    @Test("close ends serving workers after their batch in hand; cancelWorkers interrupts it")
    func closeEndsWorkers() async {
        let scheduler = LaneScheduler<Int>()
        let started = AsyncStream<Void>.makeStream()
        await scheduler.serve(upTo: 2) { batch in
            started.continuation.yield()
            // Waits until cancelled, as a send paced far ahead would.
            while !Task.isCancelled { await Task.yield() }
            await scheduler.finish(batch.lane)
        }
        await scheduler.submit([1, 2], lane: { Int64($0) })
        var iterator = started.stream.makeAsyncIterator()
        _ = await iterator.next()
        _ = await iterator.next()
        await scheduler.close()
        await scheduler.cancelWorkers()
        await scheduler.waitUntilWorkersEnded()
        #expect(await scheduler.depth == 0)
    }
}
