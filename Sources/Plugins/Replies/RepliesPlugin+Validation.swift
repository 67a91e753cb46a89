import Tenant

extension RepliesPlugin {
    /// Checks names, references and texts, naming the exact setting that is wrong.
    static func validate(_ configuration: RepliesConfiguration) throws {
        for (name, reply) in configuration.commands.sorted(by: { $0.key < $1.key }) {
            guard name.count <= 32, !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
            else {
                throw PluginConfigurationError(
                    key: "commands.\(name)", "'\(name)' is not a valid command; use 1–32 of a-z, 0-9 and _")
            }
            try validate(reply, at: "commands.\(name)", replies: configuration.replies)
        }
        for (name, reply) in configuration.replies.sorted(by: { $0.key < $1.key }) {
            guard (callbackPrefix + name).utf8.count <= 64 else {
                throw PluginConfigurationError(
                    key: "replies.\(name)", "the name is too long to fit a button's 64-byte callback data")
            }
            try validate(reply, at: "replies.\(name)", replies: configuration.replies)
        }
        for (index, rule) in configuration.keywords.enumerated() {
            let key = "keywords[\(index)]"
            if rule.match.allSatisfy({ RepliesConfiguration.Keyword.normalize($0).isEmpty }) {
                throw PluginConfigurationError(key: "\(key).match", "list at least one word to match")
            }
            switch (rule.reply, rule.text) {
            case (let name?, nil):
                guard configuration.replies[name] != nil else {
                    throw PluginConfigurationError(key: "\(key).reply", "no reply named '\(name)' in replies")
                }
            case (nil, let text?):
                try text.validate(at: "\(key).text")
            default:
                throw PluginConfigurationError(key: key, "set exactly one of reply (a name in replies) or text")
            }
        }
        try configuration.fallback?.validate(at: "fallback")
    }

    private static func validate(
        _ reply: RepliesConfiguration.Reply, at key: String, replies: [String: RepliesConfiguration.Reply]
    ) throws {
        try reply.text.validate(at: "\(key).text")
        for (rowIndex, row) in reply.buttons.enumerated() {
            for (index, button) in row.enumerated() {
                let buttonKey = "\(key).buttons[\(rowIndex)][\(index)]"
                try button.text.validate(at: "\(buttonKey).text")
                switch (button.reply, button.url) {
                case (let name?, nil):
                    guard replies[name] != nil else {
                        throw PluginConfigurationError(key: "\(buttonKey).reply", "no reply named '\(name)' in replies")
                    }
                case (nil, let url?):
                    guard url.hasPrefix("https://") || url.hasPrefix("http://") || url.hasPrefix("tg://") else {
                        throw PluginConfigurationError(key: "\(buttonKey).url", "'\(url)' is not an http(s) or tg:// URL")
                    }
                default:
                    throw PluginConfigurationError(key: buttonKey, "a button needs exactly one of reply or url")
                }
            }
        }
    }
}
