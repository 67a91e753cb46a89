import Foundation
import Logging
import Synchronization

/// The last warnings and errors logged for each bot, for the management API's bot detail.
///
/// Bounded whatever logs: only values shaped like a bot id are kept, ``capacity`` entries per
/// bot, ``botCapacity`` bots (the bot whose latest entry is oldest is forgotten first), and
/// ``messageLength`` characters per message.
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
    /// How many bots have entries at most.
    let botCapacity: Int
    /// The longest message kept, in characters; longer ones are cut and end in `…`.
    let messageLength: Int
    private let entries = Mutex<[String: [Entry]]>([:])
    private let observers = Mutex<[@Sendable () -> Void]>([])

    /// Keeps the last `capacity` entries per bot, for at most `botCapacity` bots, each message
    /// cut to `messageLength` characters.
    init(capacity: Int = 20, botCapacity: Int = 1_000, messageLength: Int = 2_000) {
        self.capacity = capacity
        self.botCapacity = botCapacity
        self.messageLength = max(2, messageLength)
    }

    /// Records a problem logged for `bot`; a value that cannot be a bot id is ignored.
    func record(bot: String, level: Logger.Level, message: String, at date: Date = Date()) {
        guard ManifestValidation.isValidID(bot) else { return }
        let kept = message.count > messageLength ? String(message.prefix(messageLength - 1)) + "…" : message
        entries.withLock { entries in
            var list = entries[bot, default: []]
            list.append(Entry(at: date, level: level.rawValue, message: kept))
            if list.count > capacity { list.removeFirst(list.count - capacity) }
            entries[bot] = list
            func latest(_ list: [Entry]) -> Date { list.last?.at ?? .distantPast }
            if entries.count > botCapacity, let stalest = entries.min(by: { latest($0.value) < latest($1.value) }) {
                entries[stalest.key] = nil
            }
        }
        for observer in observers.withLock({ $0 }) { observer() }
    }

    /// Calls `observer` after each problem is recorded (readiness re-decides then).
    func observe(_ observer: @escaping @Sendable () -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// The bot's recent problems, newest first.
    func entries(for bot: String) -> [Entry] {
        entries.withLock { $0[bot] ?? [] }.reversed()
    }

    /// The bots that have recent problems.
    var bots: Set<String> {
        entries.withLock { Set($0.keys) }
    }
}
