extension Update {
    /// The update as this bot sees it: a command addressed to another bot (`/start@other_bot`)
    /// is no command.
    ///
    /// An update decoded on receipt, before the bot's username is at hand, keeps every command
    /// with its mention; this applies the username without parsing the JSON again, with the
    /// same rule as ``Command/parse(_:botUsername:)``.
    func addressed(to botUsername: String?) -> Update {
        guard let botUsername else { return self }
        var update = self
        switch content {
        case .message(let message):
            update.content = .message(message.addressed(to: botUsername))
        case .editedMessage(let message):
            update.content = .editedMessage(message.addressed(to: botUsername))
        case .callbackQuery(var query):
            query.message = query.message?.addressed(to: botUsername)
            update.content = .callbackQuery(query)
        case .memberChange, .other, .scheduled:
            break
        }
        return update
    }
}

extension Message {
    /// The message without its command when the command names another bot.
    fileprivate func addressed(to botUsername: String) -> Message {
        guard let mention = command?.mention, mention.lowercased() != botUsername.lowercased() else { return self }
        var message = self
        message.command = nil
        return message
    }
}
