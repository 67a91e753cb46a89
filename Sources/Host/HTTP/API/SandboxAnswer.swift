import Tenant

/// Waiting for a sandbox bot's whole answer to what a person just did.
///
/// A bot's replies are paced (a private chat gets a burst of 3, then one message a second), so
/// the first reply can come seconds before the last. A write or press sent with `?wait=N` is
/// answered once the bot has handled everything it took in and sent every reply (its inbox
/// and outbox are empty), or after `N` seconds, whichever comes first.
enum SandboxAnswer {
    /// The longest `wait` a caller may ask for, in seconds.
    static let longestWait: ClosedRange<Int64> = 0...30
    /// How often the bot's queues are looked at while waiting.
    static let checkInterval: Duration = .milliseconds(25)

    /// Waits up to `timeout` for `tenant` to have nothing left to handle or send.
    ///
    /// - Returns: Whether it settled in time; `false` too when ``SandboxLimits/waitingReaders``
    ///   already wait (the caller then gets what there is at once), or the wait was cancelled.
    static func settle(_ tenant: Tenant, sandbox: SandboxPlatform, timeout: Duration) async -> Bool {
        let settled = await sandbox.admittingReader {
            var waited: Duration = .zero
            while true {
                // The inbox first: an update leaves it only after its replies joined the outbox.
                let depths = await tenant.queueDepths()
                if depths.inbox == 0 && depths.outbox == 0 { return true }
                guard waited < timeout, (try? await Task.sleep(for: checkInterval)) != nil else { return false }
                waited += checkInterval
            }
        }
        return settled ?? false
    }
}
