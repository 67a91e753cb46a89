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

/// Runs `work`, and cancels it when it has not finished after `timeout` of the system's
/// monotonic clock, throwing ``HandlingTimedOut``.
///
/// Cancellation is cooperative: work that ignores it is still waited for. A plugin stuck in a
/// loop that never awaits is not stopped by this; ``UpdateProcessor`` counts attempts across
/// starts for that case.
func withHandlingDeadline<T: Sendable>(
    _ timeout: Duration, running: RunningPlugin, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw HandlingTimedOut(plugin: running.current, timeout: timeout)
        }
        return result
    }
}
