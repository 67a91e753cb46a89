import Testing
@testable import Tenant

@Suite("LaneScheduler")
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
}
