import GRDB
import Synchronization

/// The webhook address each bot registered with its platform and has not deleted since
/// (`webhook_registrations` in ``HostDatabase``), kept by the host rather than in each bot's
/// file, so that starting a webhook bot creates no database: a bot's file is made by its
/// first update.
///
/// Read once when the host starts and answered from memory after that. Writes that arrive
/// together (ten thousand bots starting) are committed together, in one transaction per group,
/// and each ``record(_:for:)`` returns once its own change is durable.
///
/// ```swift
/// let registrations = try await WebhookRegistrations.load(from: hostDatabase)
/// try await registrations.record("https://bots.example.org/webhook/han-ru", for: "han-ru")
/// registrations.url(for: "han-ru")   // "https://bots.example.org/webhook/han-ru"
/// ```
public final class WebhookRegistrations: Sendable {
    private let database: HostDatabase
    private let state: Mutex<State>

    private struct State {
        /// What is durable, by bot id.
        var urls: [String: String]
        /// Changes not written yet, in arrival order (`nil` deletes).
        var waiting: [Change] = []
        /// Whether a group is being written.
        var writing = false
    }

    private struct Change {
        let bot: String
        let url: String?
        /// How the caller is told; `nil` for the leader's own change.
        let continuation: CheckedContinuation<Turn, any Error>?
    }

    /// What a caller of ``record(_:for:)`` is told.
    private enum Turn {
        /// Write the waiting groups (nothing was being written).
        case lead
        /// Its change is durable.
        case written
    }

    private init(database: HostDatabase, urls: [String: String]) {
        self.database = database
        self.state = Mutex(State(urls: urls))
    }

    /// Reads every bot's registration from `database`.
    ///
    /// - Throws: The database's error when the table cannot be read.
    public static func load(from database: HostDatabase) async throws -> WebhookRegistrations {
        let urls = try await database.writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT bot, url FROM webhook_registrations")
            return Dictionary(rows.map { ($0["bot"] as String, $0["url"] as String) }, uniquingKeysWith: { $1 })
        }
        return WebhookRegistrations(database: database, urls: urls)
    }

    /// The address bot `id` registered and did not delete, if any.
    public func url(for id: String) -> String? {
        state.withLock { $0.urls[id] }
    }

    /// Records that bot `id` registered `url` (or deleted its webhook, `nil`); returns once
    /// that is durable.
    ///
    /// - Throws: The database's error when the change could not be written; nothing changed.
    public func record(_ url: String?, for id: String) async throws {
        let turn: Turn = try await withCheckedThrowingContinuation { continuation in
            let leads = state.withLock { state -> Bool in
                guard !state.writing else {
                    state.waiting.append(Change(bot: id, url: url, continuation: continuation))
                    return false
                }
                state.writing = true
                state.waiting.append(Change(bot: id, url: url, continuation: nil))
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        if case .lead = turn { try await writeGroups() }
    }

    /// Writes what is waiting, group after group, until nothing is; the first group holds the
    /// leader's own change, whose outcome this throws.
    private func writeGroups() async throws {
        var own: (any Error)?
        var first = true
        while true {
            let group: [Change]? = state.withLock { state in
                guard !state.waiting.isEmpty else {
                    state.writing = false
                    return nil
                }
                defer { state.waiting = [] }
                return state.waiting
            }
            guard let group else { break }
            let failure = await write(group)
            if failure == nil {
                state.withLock { state in
                    for change in group { state.urls[change.bot] = change.url }
                }
            }
            for change in group {
                if let failure { change.continuation?.resume(throwing: failure) } else { change.continuation?.resume(returning: .written) }
            }
            if first { own = failure }
            first = false
        }
        if let own { throw own }
    }

    /// Writes `group` in one transaction, in a task of its own so that cancelling the leader
    /// does not roll back the others' changes.
    private func write(_ group: [Change]) async -> (any Error)? {
        let changes = group.map { ($0.bot, $0.url) }
        let writer = database.writer
        return await Task {
            do {
                try await writer.write { db in
                    for (bot, url) in changes {
                        if let url {
                            try db.execute(
                                sql: "INSERT OR REPLACE INTO webhook_registrations (bot, url) VALUES (?, ?)",
                                arguments: [bot, url])
                        } else {
                            try db.execute(sql: "DELETE FROM webhook_registrations WHERE bot = ?", arguments: [bot])
                        }
                    }
                }
                return nil
            } catch {
                return error
            }
        }.value
    }
}
