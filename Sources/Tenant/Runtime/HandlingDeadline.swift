import Synchronization

/// Handling an update or a job took longer than the bot allows (``TenantConfiguration/handlingTimeout``).
struct HandlingTimedOut: Error, CustomStringConvertible {
    /// The plugin that was running when time ran out, if one was.
    let plugin: String?
    /// The limit.
    let timeout: Duration

    var description: String {
        let who = plugin.map { "plugin '\($0)'" } ?? "the pipeline"
        return "\(who) took longer than \(timeout.secondsText) and was cancelled; "
            + "make it answer sooner (a network call without a timeout?) or raise the bot's handling timeout"
    }
}

/// The plugin a pipeline is running now, for ``HandlingTimedOut``.
final class RunningPlugin: Sendable {
    private let name = Mutex<String?>(nil)

    /// Notes the plugin that runs from now on.
    func enter(_ plugin: String) { name.withLock { $0 = plugin } }

    /// The plugin running now.
    var current: String? { name.withLock { $0 } }
}

/// Runs `work`, and cancels it when it has not finished after `timeout` on `clock`, throwing
/// ``HandlingTimedOut`` at once.
///
/// The caller is not held by work that ignores cancellation (a plugin awaiting something that
/// never comes and never checks): the work goes on in a task of its own, its result unused,
/// while the update fails and its chat moves on. A plugin stuck in a loop that never awaits
/// keeps its thread; ``UpdateProcessor`` counts attempts across starts for that case.
///
/// Cancelling the caller cancels the work and throws `CancellationError` at once.
func withHandlingDeadline<T: Sendable>(
    _ timeout: Duration, on clock: any TenantClock, running: RunningPlugin,
    _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, work: work, timeout: timeout, clock: clock, running: running)
        }
    } onCancel: {
        race.finish(with: .failure(CancellationError()))
    }
}

/// The work and its timer: the first to finish answers, and the other is cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var finished: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<T, any Error>, work: @escaping @Sendable () async throws -> T,
        timeout: Duration, clock: any TenantClock, running: RunningPlugin
    ) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let finished = state.finished { return finished }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(with: early)
            return
        }
        let worker = Task {
            do {
                finish(with: .success(try await work()))
            } catch {
                finish(with: .failure(error))
            }
        }
        let timer = Task {
            guard (try? await clock.sleep(for: timeout)) != nil else { return }
            finish(with: .failure(HandlingTimedOut(plugin: running.current, timeout: timeout)))
        }
        let cancelNow = state.withLock { state -> Bool in
            state.tasks = [worker, timer]
            return state.finished != nil
        }
        if cancelNow {
            worker.cancel()
            timer.cancel()
        }
    }

    /// Answers with `result` if nothing answered yet, and cancels what is still running.
    func finish(with result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.finished == nil else { return (nil, []) }
            state.finished = result
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
