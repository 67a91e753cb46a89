import PropertyBased
import Synchronization
import Testing
@testable import Tenant

/// The start gate runs at most its width of start-ups at once, every one eventually, in the
/// order they were queued, and a place given up early goes to the next.
@Suite("Start gate", .timeLimit(.minutes(2)))
struct StartGateTests {
    /// Counts start-ups inside the gate, the most seen at once and the order they began in.
    final class Occupancy: Sendable {
        private let counts = Mutex((inside: 0, most: 0, order: [Int]()))
        private let allDone: StopSignal
        private let expected: Int

        init(expected: Int) {
            self.expected = expected
            allDone = StopSignal()
            if expected == 0 { allDone.fire() }
        }

        var most: Int { counts.withLock { $0.most } }
        var order: [Int] { counts.withLock { $0.order } }

        func enter(_ index: Int) {
            counts.withLock {
                $0.inside += 1
                $0.most = max($0.most, $0.inside)
                $0.order.append(index)
            }
        }

        func leave() {
            let done = counts.withLock { counts -> Bool in
                counts.inside -= 1
                return counts.order.count == expected && counts.inside == 0
            }
            if done { allDone.fire() }
        }

        func waitForAll() async { await allDone.wait() }
    }

    @Test("any number of start-ups through any width: never more than the width at once, all run, one place serves in queue order")
    func boundedCompleteOrdered() async {
        let input = zip(Gen.int(in: 1...8), Gen.int(in: 0...200))
        await propertyCheck(count: 40, input: input) { width, count in
            let gate = StartGate(width: width)
            let occupancy = Occupancy(expected: count)
            for index in 0..<count {
                gate.enqueue { _ in
                    occupancy.enter(index)
                    await Task.yield()
                    occupancy.leave()
                }
            }
            await occupancy.waitForAll()
            #expect(occupancy.most <= width, "width \(width), start-ups \(count)")
            // Places free in queue order; with one place, start-ups also begin in that order
            // (with more, those given places together race to begin).
            let order = occupancy.order
            #expect(Set(order) == Set(0..<count))
            if width == 1 { #expect(order == Array(0..<count)) }
        }
    }

    @Test("a start-up that gives its place up early lets the next begin while it goes on")
    func earlyRelease() async {
        let gate = StartGate(width: 1)
        let released = StopSignal()
        let secondRan = StopSignal()
        let firstEnded = StopSignal()
        gate.enqueue { place in
            place.release()
            place.release()
            released.fire()
            await secondRan.wait()
            firstEnded.fire()
        }
        await released.wait()
        gate.enqueue { _ in secondRan.fire() }
        await firstEnded.wait()
        let third = StopSignal()
        gate.enqueue { _ in third.fire() }
        await third.wait()
    }
}
