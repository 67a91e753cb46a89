import Storage

extension ManifestValidation {
    /// The `retention:` durations on top of the defaults (30d, 30d, 90d), each checked and
    /// named by its key when refused. Updates are kept at least 2 days: Telegram may deliver an
    /// update again for 24 hours, and the inbox must still know it then.
    mutating func validatedRetention(_ retention: ManifestDocument.Retention?) -> RetentionPolicy {
        var policy = RetentionPolicy()
        guard let retention else { return policy }
        if let value = duration(retention.updates, "updates") {
            if value < RetentionPolicy.shortestUpdates {
                fail(
                    line(of: "retention.updates"),
                    "retention.updates",
                    "\(retention.updates ?? "") is shorter than 2d; Telegram may deliver an update again for 24 hours, "
                        + "and the inbox keeps updates at least 2 days to recognise it"
                )
            } else {
                policy.updates = value
            }
        }
        if let value = duration(retention.outbox, "outbox") { policy.outbox = value }
        if let value = duration(retention.deadLetters, "dead_letters") { policy.deadLetters = value }
        return policy
    }

    private mutating func duration(_ text: String?, _ key: String) -> Duration? {
        guard let text else { return nil }
        switch RetentionDuration.parse(text) {
        case .success(let value):
            return value
        case .failure(let error):
            fail(line(of: "retention.\(key)"), "retention.\(key)", "'\(Problem.excerpt(text))' \(error.message)")
            return nil
        }
    }
}
