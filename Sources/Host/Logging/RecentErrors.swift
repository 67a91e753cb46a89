import Foundation
import Logging
import Synchronization

/// The last warnings and errors logged for each bot, for the management API's bot detail.
final class RecentErrors: Sendable {
    /// One logged problem.
    struct Entry: Sendable, Equatable {
        /// When it was logged.
        var at: Date
        /// `warning`, `error` or `critical`.
        var level: String
        /// The message, tokens masked.
        var message: String
    }

    /// How many entries are kept per bot.
    let capacity: Int
    private let entries = Mutex<[String: [Entry]]>([:])

    /// Keeps the last `capacity` entries per bot.
    init(capacity: Int = 20) {
        self.capacity = capacity
    }

    /// Records a problem logged for `bot`.
    func record(bot: String, level: Logger.Level, message: String, at date: Date = Date()) {
        entries.withLock { entries in
            var list = entries[bot, default: []]
            list.append(Entry(at: date, level: level.rawValue, message: message))
            if list.count > capacity { list.removeFirst(list.count - capacity) }
            entries[bot] = list
        }
    }

    /// The bot's recent problems, newest first.
    func entries(for bot: String) -> [Entry] {
        entries.withLock { $0[bot] ?? [] }.reversed()
    }
}
