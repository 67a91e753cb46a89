import Foundation

extension DeliveryRequest {
    /// Applies the request inside a commit transaction and returns the rows now pending.
    func apply(in db: Database, at date: Date) throws -> [OutboxRecord] {
        switch self {
        case .retryDeadLetters(let ids):
            return try BotStore.requeueDeadLetters(ids, in: db)
        case .broadcast(let text, let parseMode, let filter):
            return try BotStore.enqueueBroadcast(text: text, filter: filter, at: date, in: db) { chatID in
                try OutboxCoding.broadcastPayloads(text: text, parseMode: parseMode, chatID: chatID)
            }.rows
        }
    }
}
