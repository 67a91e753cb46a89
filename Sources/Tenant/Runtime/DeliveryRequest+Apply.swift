import Foundation
import Storage
import GRDB

extension DeliveryRequest {
    /// Applies the request inside a commit transaction and returns what the sender gets: the
    /// rows now pending, after the chats a retry unblocked.
    func apply(in db: Database, at date: Date) throws -> [OutboxEntry] {
        switch self {
        case .retryDeadLetters(let ids):
            return OutboxEntry.requeued(try BotStore.requeueDeadLetters(ids, in: db))
        case .broadcast(let message, let filter):
            return OutboxEntry.messages(try message.enqueue(filter: filter, at: date, in: db).rows)
        }
    }
}
