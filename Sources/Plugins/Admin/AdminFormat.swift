import Foundation
import Tenant

/// The texts of admin answers.
enum AdminFormat {
    static let help = """
        Admin commands:
        /status — uptime, counters, queues, last error
        /deadletters — messages given up on
        /retry <id> | all — queue dead letters again
        /broadcast <text> — message every private chat
        /broadcast status — progress of the last broadcast
        /help — this list
        """

    /// `2d 3h 4m`, `5m 6s`, `7s`.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        let (days, hours, minutes, secs) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60, total % 60)
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(secs)s" }
        return "\(secs)s"
    }

    static func status(_ status: BotStatus, now: Date) -> String {
        let store = status.store
        var lines = [
            "Uptime: \(duration(now.timeIntervalSince(status.startedAt)))",
            "Updates: \(store.updatesHandled) handled, \(store.updatesFailed) failed",
            "Inbox: \(store.inboxDepth) waiting · Outbox: \(store.outboxDepth) waiting",
            "Messages: \(store.messagesSent) sent, \(store.messagesDead) dead letters",
        ]
        if let error = store.lastError {
            let when = store.lastErrorAt.map { " (\(duration(now.timeIntervalSince($0))) ago)" } ?? ""
            lines.append("Last error\(when): \(error)")
        } else {
            lines.append("Last error: none")
        }
        return lines.joined(separator: "\n")
    }

    static func deadLetters(_ rows: [OutboxRecord]) -> String {
        guard !rows.isEmpty else { return "No dead letters." }
        let lines = rows.compactMap { row -> String? in
            guard let id = row.id else { return nil }
            return "#\(id) → chat \(row.chatID): \(row.lastError ?? "unknown error")"
        }
        return (["Dead letters (newest first):"] + lines + ["/retry <id> or /retry all"]).joined(separator: "\n")
    }

    static func broadcast(_ progress: BroadcastProgress?) -> String {
        guard let progress else { return "No broadcast yet." }
        let state = progress.isFinished ? "finished" : "running"
        return "Broadcast #\(progress.id) (\(state)): \(progress.total) queued, \(progress.sent) sent, "
            + "\(progress.failed) failed, \(progress.pending) waiting"
    }
}
