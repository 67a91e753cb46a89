extension PluginContext {
    /// Erases everything the bot stored about a person, in the update's commit transaction: the
    /// "delete my data" request.
    ///
    /// After every plugin's writes, the host erases its own rows (the person's user row and time
    /// zone; their private chat's row, scheduled jobs and outbox; the payloads of the updates that
    /// chat sent, and of this update wherever it came from) and calls every plugin's ``Plugin/forget(userID:in:)`` for
    /// their own tables. Replies made while handling this update are still sent. A throw anywhere
    /// discards it with the rest of the update.
    ///
    /// Their next message starts from nothing: the host and plugins see a new person.
    public func forgetUser(_ userID: Int64) {
        effects.forget(userID: userID)
    }
}
