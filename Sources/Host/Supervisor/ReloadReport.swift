/// What one reload did: the difference applied and the manifests refused.
struct ReloadReport: Sendable, Equatable, CustomStringConvertible {
    /// Bots started because their manifest is new (or newly enabled).
    var started: [String] = []
    /// Bots stopped because their manifest was removed or disabled.
    var stopped: [String] = []
    /// Bots restarted because their manifest changed.
    var restarted: [String] = []
    /// Bots left running untouched.
    var unchanged: [String] = []
    /// Bots whose manifest became invalid; their last good version keeps running.
    var keptLastGood: [String] = []
    /// Every manifest error found, one line each.
    var errors: [String] = []
    /// What changed in each restarted bot's manifest, one line per setting.
    var changes: [String: [String]] = [:]

    /// One line summing up the reload, for the log.
    var description: String { "reload: \(summary)" }

    /// What the reload did, in one line (`1 started (han-ru); 4 unchanged; 0 manifest error(s)`).
    var summary: String {
        func part(_ label: String, _ ids: [String]) -> String? {
            ids.isEmpty ? nil : "\(ids.count) \(label) (\(ids.joined(separator: ", ")))"
        }
        let parts = [
            part("started", started), part("stopped", stopped), part("restarted", restarted),
            part("kept last good", keptLastGood),
        ].compactMap { $0 }
        let changes = parts.isEmpty ? "no changes" : parts.joined(separator: ", ")
        return "\(changes); \(unchanged.count) unchanged; \(errors.count) manifest error(s)"
    }
}
