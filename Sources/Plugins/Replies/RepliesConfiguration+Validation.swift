import Tenant

extension RepliesConfiguration {
    /// Checks names, references and texts, naming the exact setting that is wrong.
    ///
    /// Dictionaries are checked in key order, so the same manifest always reports the same error.
    ///
    /// - Throws: ``PluginConfigurationError`` whose key is the setting's path inside the plugin's
    ///   configuration (`commands.help.buttons[0][0].reply`).
    public func validate() throws {
        for (name, answer) in commands.sorted(by: { $0.key < $1.key }) {
            let key = "commands.\(name)"
            guard Self.isCommandName(name) else {
                throw PluginConfigurationError(
                    key: key, "'\(name)' is not a valid command name; use 1–32 of a-z, 0-9 and _")
            }
            switch answer {
            case .inline(let reply): try validate(reply, at: key)
            case .named(let target): try requireReply(named: target, at: "\(key).reply")
            }
        }
        for (name, reply) in replies.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty else {
                throw PluginConfigurationError(key: "replies", "a reply has an empty name; name it")
            }
            try validate(reply, at: "replies.\(name)")
        }
        for (index, rule) in keywords.enumerated() {
            try validate(rule, at: "keywords[\(index)]")
        }
        try fallback?.validate(at: "fallback")
        try unknownCommand?.validate(at: "unknown_command")
    }

    /// Telegram's command names: 1–32 of lowercase Latin letters, digits and underscores.
    static func isCommandName(_ name: String) -> Bool {
        (1...32).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }

    private func validate(_ reply: Reply, at key: String) throws {
        try reply.text.validate(at: reply.isShorthand ? key : "\(key).text")
        for (rowIndex, row) in reply.buttons.enumerated() {
            for (index, button) in row.enumerated() {
                try validate(button, at: "\(key).buttons[\(rowIndex)][\(index)]")
            }
        }
    }

    private func validate(_ button: Button, at key: String) throws {
        try button.text.validate(at: "\(key).text")
        switch (button.reply, button.url) {
        case (let name?, nil):
            try requireReply(named: name, at: "\(key).reply")
            let data = ReplyCallback.data(forReply: name)
            guard data.utf8.count <= ReplyCallback.maximumBytes else {
                throw PluginConfigurationError(
                    key: "\(key).reply",
                    "the button's callback data '\(data)' is \(data.utf8.count) bytes; Telegram allows "
                        + "\(ReplyCallback.maximumBytes): give the reply a shorter name")
            }
        case (nil, let url?):
            guard ["https://", "http://", "tg://"].contains(where: { url.lowercased().hasPrefix($0) }) else {
                throw PluginConfigurationError(key: "\(key).url", "'\(url)' is no https://, http:// or tg:// link")
            }
        case (_?, _?):
            throw PluginConfigurationError(key: key, "a button has both reply and url; keep one of them")
        case (nil, nil):
            throw PluginConfigurationError(
                key: key, "a button needs reply (a name in replies) or url (a link to open)")
        }
    }

    private func validate(_ rule: Keyword, at key: String) throws {
        guard !rule.match.isEmpty, rule.match.allSatisfy({ !KeywordMatcher.normalize($0).isEmpty }) else {
            throw PluginConfigurationError(
                key: "\(key).match", "list words or phrases to match, each with at least one letter or digit")
        }
        switch (rule.reply, rule.text) {
        case (let name?, nil): try requireReply(named: name, at: "\(key).reply")
        case (nil, let text?): try text.validate(at: "\(key).text")
        case (_?, _?): throw PluginConfigurationError(key: key, "a keyword rule has both reply and text; keep one")
        case (nil, nil):
            throw PluginConfigurationError(key: key, "a keyword rule needs reply (a name in replies) or text")
        }
    }

    private func requireReply(named name: String, at key: String) throws {
        guard replies[name] == nil else { return }
        let known = replies.keys.sorted()
        let listed = known.prefix(10).joined(separator: ", ") + (known.count > 10 ? ", …" : "")
        let hint = known.isEmpty ? "there are none yet; add it under replies" : "known: \(listed)"
        throw PluginConfigurationError(key: key, "no reply named '\(name)' in replies (\(hint))")
    }
}
