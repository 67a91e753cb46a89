import Foundation
import Tenant

/// The texts of the admin plugin's answers: compact, plain, readable on a phone.
enum AdminFormat {
    /// The list of admin commands.
    static let help = """
        Admin commands:
        /status — uptime, updates, queues, last error
        /deadletters — messages given up on
        /retry <id> | all — queue dead letters again
        /broadcast <text> — message every private chat
        /broadcast status — progress of the latest broadcast
        /forget <user id> — erase everything stored about a person
        /export <user id> — everything stored about a person, as JSON
        /help — this list, then the bot's own help
        """

    /// The longest part of an error message a status shows.
    static let errorLength = 300

    /// A duration, largest units first: `2d 3h 4m`, `3h 4m`, `4m 5s`, `5s`. Negative counts as 0.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = seconds.isFinite ? max(0, Int(seconds)) : 0
        let days = total / 86_400
        let hours = total % 86_400 / 3600
        let minutes = total % 3600 / 60
        let secs = total % 60
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(secs)s" }
        return "\(secs)s"
    }

    /// The `/status` answer.
    ///
    /// ```
    /// Han Dating (han-ru)
    /// Uptime: 2d 3h 4m
    /// Updates: 1200 handled, 3 failed
    /// Queues: inbox 0, outbox 2
    /// Messages: 1187 sent, 1 dead
    /// Last error (5m 2s ago): Forbidden: bot was blocked by the user
    /// ```
    static func status(_ status: BotStatus, bot: BotDescriptor, now: Date) -> String {
        let store = status.store
        let title = bot.name == bot.id ? bot.id : "\(bot.name) (\(bot.id))"
        var lines = [
            title,
            "Uptime: \(duration(now.timeIntervalSince(status.startedAt)))",
            "Updates: \(store.updatesHandled) handled, \(store.updatesFailed) failed",
            "Queues: inbox \(store.inboxDepth), outbox \(store.outboxDepth)",
            "Messages: \(store.messagesSent) sent, \(store.messagesDead) dead",
        ]
        if let error = store.lastError {
            let when = store.lastErrorAt.map { " (\(duration(now.timeIntervalSince($0))) ago)" } ?? ""
            lines.append("Last error\(when): \(shortened(error))")
        } else {
            lines.append("Last error: none")
        }
        return lines.joined(separator: "\n")
    }

    /// The `/deadletters` answer.
    static func deadLetters(_ letters: [DeadLetter]) -> String {
        guard !letters.isEmpty else { return "No dead letters." }
        let lines = letters.map { letter in
            "#\(letter.id) → chat \(letter.chatID): \(shortened(letter.reason ?? "unknown error"))"
        }
        return (["Dead letters, newest first:"] + lines + ["/retry <id> or /retry all"]).joined(separator: "\n")
    }

    /// The `/broadcast status` answer.
    static func broadcast(_ progress: BroadcastProgress?) -> String {
        guard let progress else { return "No broadcast yet." }
        let state = progress.isFinished ? "finished" : "running"
        return "Broadcast #\(progress.id) (\(state)): \(progress.total) queued, \(progress.sent) sent, "
            + "\(progress.failed) failed, \(progress.pending) waiting"
    }

    /// The most characters of JSON `/export` sends into the chat (about 8 messages).
    static let exportLength = 30_000

    /// The `/export` answer: a summary line, then the document's JSON when it is at most
    /// ``exportLength`` characters; a longer one names the API operation that returns it whole.
    static func export(_ export: PersonExport) -> [String] {
        guard !export.isEmpty else { return ["Nothing is stored about \(export.userID)."] }
        let sources = [("host", export.host)] + export.plugins.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let counts = sources.filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1.rowCount)" }.joined(separator: ", ")
        let summary = "Stored about \(export.userID), rows by source: \(counts)."
        let json = (try? export.json()).map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard !json.isEmpty, json.count <= exportLength else {
            return [
                summary + " The JSON is too long for the chat (\(json.count) characters); fetch it with "
                    + "GET /api/v1/bots/\(export.bot)/people/\(export.userID)/export."
            ]
        }
        return [summary, json]
    }

    private static func shortened(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > errorLength ? line.prefix(errorLength) + "…" : line
    }
}
