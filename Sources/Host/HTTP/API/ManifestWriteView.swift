import Foundation
import Hummingbird
import Storage

/// The answer to a manifest write: what the reload that applied it did to the bot.
struct ManifestWriteView: ResponseEncodable, Sendable {
    /// The bot.
    var id: String
    /// `started`, `restarted`, `stopped`, `unchanged`, `kept_last_good` (the new manifest was
    /// refused when the folder was scanned; `errors` says why) or `not_running` (disabled, or
    /// stopped by an operator).
    var outcome: String
    /// The bot's state after the reload, when the host lists it.
    var state: String?
    /// What changed, setting by setting, secrets masked.
    var changes: [String] = []
    /// The reload's errors about this manifest's file.
    var errors: [String]
    /// The reload's one-line summary.
    var summary: String

    /// The view of bot `id`, whose file is `file`, after `report`.
    init(id: String, file: String, report: ReloadReport, state: String?) {
        self.id = id
        self.state = state
        errors = report.errors.filter { $0.hasPrefix(file + ":") }
        summary = report.description
        outcome =
            if report.started.contains(id) { "started" } else if report.restarted.contains(id) {
                "restarted"
            } else if report.stopped.contains(id) { "stopped" } else if report.keptLastGood.contains(id) {
                "kept_last_good"
            } else if report.unchanged.contains(id) { "unchanged" } else if !errors.isEmpty { "refused" } else {
                "not_running"
            }
    }

    /// The view with `changes`.
    func with(changes: [String]) -> ManifestWriteView {
        var copy = self
        copy.changes = changes
        return copy
    }
}

/// A page of audit records, newest first.
struct AuditPageView: ResponseEncodable, Sendable {
    /// The records.
    var records: [AuditRecord]
    /// The `before` that reads the next page, when there may be one.
    var nextBefore: Int64?
}
