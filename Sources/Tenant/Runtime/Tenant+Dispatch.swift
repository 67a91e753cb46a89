extension Tenant {
    /// Takes batches of one chat's updates and handles them in order until the inbox closes.
    ///
    /// Once the bot is stopping, the update in hand finishes and the rest stay pending in the
    /// inbox for the next start.
    func dispatchWorker(_ processor: UpdateProcessor) async {
        while let batch = await inbox.next() {
            for record in batch.items {
                if stopSignal.isFired { break }
                if case .handled(let rows) = await processor.process(record), !rows.isEmpty {
                    await outbox.submit(rows, lane: \.chatID)
                }
            }
            await inbox.finish(batch.lane)
        }
    }
}
