import Synchronization

/// Bounds how many of a host's bots start at once: open their database, identify themselves
/// and set or delete their webhook.
///
/// Ten thousand bots starting together would otherwise hold ten thousand start-ups in memory
/// at the same moment (their tasks, their reads, their requests), and open as many connections
/// to the platform, kept idle long after; a few hundred at a time start them as fast. A start-up
/// waiting for its turn is a closure in a queue, not a task. Start-ups begin in the order they
/// were queued.
public final class StartGate: Sendable {
    private struct State {
        var available: Int
        var queue: [@Sendable (StartPlace) async -> Void] = []
        var head = 0

        mutating func next() -> (@Sendable (StartPlace) async -> Void)? {
            guard head < queue.count else { return nil }
            defer {
                head += 1
                if head == queue.count {
                    queue.removeAll(keepingCapacity: false)
                    head = 0
                }
            }
            return queue[head]
        }
    }

    private let state: Mutex<State>

    /// A gate letting `width` start-ups run at once.
    public init(width: Int = 256) {
        precondition(width > 0, "a start gate lets at least one start-up through")
        state = Mutex(State(available: width))
    }

    /// Runs `startUp` in a task of its own once a place is free. The place is freed when
    /// `startUp` returns, or earlier when it calls ``StartPlace/release()`` (a start-up that
    /// must wait to retry gives its place to the next).
    public func enqueue(_ startUp: @escaping @Sendable (StartPlace) async -> Void) {
        let runNow = state.withLock { state -> Bool in
            guard state.available > 0 else {
                state.queue.append(startUp)
                return false
            }
            state.available -= 1
            return true
        }
        if runNow { run(startUp) }
    }

    private func run(_ startUp: @escaping @Sendable (StartPlace) async -> Void) {
        let place = StartPlace { [weak self] in self?.leave() }
        Task.detached {
            await startUp(place)
            place.release()
        }
    }

    private func leave() {
        let next = state.withLock { state -> (@Sendable (StartPlace) async -> Void)? in
            guard let next = state.next() else {
                state.available += 1
                return nil
            }
            return next
        }
        if let next { run(next) }
    }
}

/// A start-up's place in the ``StartGate``, freed once.
public final class StartPlace: Sendable {
    private let onRelease: Mutex<(@Sendable () -> Void)?>

    init(onRelease: @escaping @Sendable () -> Void) {
        self.onRelease = Mutex(onRelease)
    }

    /// Gives the place to the next start-up; later calls do nothing.
    public func release() {
        let action = onRelease.withLock { action in
            defer { action = nil }
            return action
        }
        action?()
    }
}
