import Foundation
import Storage
import GRDB

/// A broadcast's text, split into parts within the platform's limit once, when it is asked for.
///
/// The split happens before the commit's transaction, never inside it: the transaction only
/// encodes the same parts for each chat, work proportional to the rows it writes.
package struct BroadcastMessage: Sendable {
    /// The text as given, kept with the broadcast's record.
    package let text: String
    /// How the platform reads the text.
    package let parseMode: ParseMode?
    /// The text's parts, in order.
    package let parts: [String]

    /// Splits `text` for the platform's message limit.
    init(text: String, parseMode: ParseMode?) {
        self.text = text
        self.parseMode = parseMode
        self.parts = MessageSplitter().split(text, parseMode: parseMode)
    }

    /// Queues the parts for every chat the filter selects, inside a caller's transaction.
    func enqueue(filter: BroadcastFilter, at date: Date, in db: Database) throws -> (id: Int64, rows: [OutboxRecord]) {
        try BotStore.enqueueBroadcast(text: text, filter: filter, at: date, in: db) { chatID in
            try parts.map { part in
                try OutboxCoding.encode(.send(OutgoingMessage(chatID: chatID, text: part, parseMode: parseMode)))
            }
        }
    }
}
