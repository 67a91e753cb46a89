import PropertyBased
import Synchronization
import Testing
@testable import Tenant

/// The start gate lets at most its width of calls through at once, every call eventually,
/// and a call cancelled while it waits takes no place.
@Suite("Start gate", .timeLimit(.minutes(2)))
struct StartGateTests {
    /// Counts calls inside the gate and the most seen at once.
    final class Occupancy: Sendable {
        private let counts = Mutex((inside: 0, most: 0, done: 0))

        var most: Int { counts.withLock { $0.most } }
        var done: Int { counts.withLock { $0.done } }

        func enter() {
            counts.withLock {
                $0.inside += 1
                $0.most = max($0.most, $0.inside)
            }
        }

        func leave() {
            counts.withLock {
                $0.inside -= 1
                $0.done += 1
            }
        }
    }

    @Test("any number of calls through any width: never more than the width at once, all of them done")
    func boundedAndComplete() async {
        let input = zip(Gen.int(in: 1...8), Gen.int(in: 0...200))
        await propertyCheck(count: 40, input: input) { width, calls in
            let gate = StartGate(width: width)
            let occupancy = Occupancy()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<calls {
                    group.addTask {
                        try? await gate.run {
                            occupancy.enter()
                            await Task.yield()
                            occupancy.leave()
                        }
                    }
                }
            }
            #expect(occupancy.done == calls)
            #expect(occupancy.most <= width, "width \(width), calls \(calls)")
        }
    }

    @Test("a call cancelled while waiting throws and takes no place; the calls after it go through")
    func cancelledWaiter() async throws {
        let gate = StartGate(width: 1)
        let holding = StopSignal()
        let release = StopSignal()
        let holder = Task {
            try await gate.run {
                holding.fire()
                await release.wait()
            }
        }
        await holding.wait()
        let waiter = Task { try await gate.run { "waited" } }
        let later = Task { try await gate.run { "later" } }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        release.fire()
        try await holder.value
        #expect(try await later.value == "later")
        #expect(try await gate.run { "after" } == "after")
    }
}
