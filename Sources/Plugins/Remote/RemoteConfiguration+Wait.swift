extension RemoteConfiguration {
    /// The longest one update (or job) can wait on this plugin: every attempt timing out, and
    /// the longest backoff between them (each wait's ceiling, 0.2 s doubling to 5 s).
    var longestWait: Duration {
        var total = timeout.duration * attempts
        var ceiling = RemoteLimits.retryInitial
        for _ in 1..<max(attempts, 1) {
            total += ceiling
            ceiling = min(ceiling * 2, RemoteLimits.retryMaximum)
        }
        return total
    }

    /// Why one bot's remote plugins, `plugins` in pipeline order, are refused together: one
    /// update goes through each of them in turn, so their longest waits add up, and the sum may
    /// not exceed ``RemoteLimits/botCallBudget``. `nil` when it does not.
    ///
    /// The message names every remote plugin with its longest wait, and says what to lower.
    public static func combinedWaitRefusal(_ plugins: [RemoteConfiguration]) -> String? {
        let total = plugins.reduce(Duration.zero) { $0 + $1.longestWait }
        guard plugins.count > 1, total > RemoteLimits.botCallBudget else { return nil }
        let parts = plugins.map { "'\($0.name)' \(seconds($0.longestWait))" }.joined(separator: " + ")
        return "the remote plugins \(parts) could together hold one update for \(seconds(total)), over the "
            + "\(seconds(RemoteLimits.botCallBudget)) all remote plugins of a bot may take of the 120 s it gives "
            + "an update; lower their attempts or timeout, or list fewer"
    }

    /// `82.6 s`, `0.15 s`: whole milliseconds as seconds, without trailing zeros.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        var fraction = String(1000 + milliseconds % 1000).dropFirst()
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? "\(milliseconds / 1000) s" : "\(milliseconds / 1000).\(fraction) s"
    }
}
