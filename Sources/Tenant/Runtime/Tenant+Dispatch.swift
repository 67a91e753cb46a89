extension Tenant {
    /// Handles a batch of one chat's updates in order, then hands the chat back to the inbox.
    ///
    /// Once the bot is stopping, the update in hand finishes and the rest stay pending in the
    /// inbox for the next start.
    func dispatch(_ batch: LaneScheduler<InboxRecord>.Batch, processor: UpdateProcessor) async {
        for record in batch.items {
            if stopSignal.isFired { break }
            guard case .handled(let rows, let blocking) = await processor.process(record) else { continue }
            if let blocking { noteBlocking(chatID: blocking.chatID, blocked: blocking.blocked) }
            if !rows.isEmpty { await outbox.submit(rows, lane: \.chatID) }
        }
        await inbox.finish(batch.lane)
    }
}
