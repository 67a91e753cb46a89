extension Tenant {
    /// Takes batches of one chat's updates and handles them in order until the inbox closes.
    ///
    /// Once the bot is stopping, the update in hand finishes and the rest stay pending in the
    /// inbox for the next start.
    func dispatchWorker(_ processor: UpdateProcessor) async {
        while let batch = await inbox.next() {
            for record in batch.items {
                if stopSignal.isFired { break }
                guard case .handled(let rows, let blocking) = await processor.process(record) else { continue }
                if let blocking { noteBlocking(chatID: blocking.chatID, blocked: blocking.blocked) }
                if !rows.isEmpty { await outbox.submit(rows, lane: \.chatID) }
            }
            await inbox.finish(batch.lane)
        }
    }
}
