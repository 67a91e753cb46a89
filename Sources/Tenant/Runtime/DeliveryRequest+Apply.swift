import Foundation

extension DeliveryRequest {
    /// Applies the request inside a commit transaction and returns the rows now pending.
    func apply(in db: Database, at date: Date) throws -> [OutboxRecord] {
        switch self {
        case .retryDeadLetters(let ids):
            return try BotStore.requeueDeadLetters(ids, in: db)
        case .broadcast(let message, let filter):
            return try message.enqueue(filter: filter, at: date, in: db).rows
        }
    }
}
