import Foundation

/// A bot command in a message: `/name@bot arguments`.
public struct Command: Sendable, Hashable {
    /// The command name without the slash, lowercased (`start`).
    public var name: String
    /// The bot username after `@`, when the command was addressed to a bot.
    public var mention: String?
    /// Everything after the command, trimmed.
    public var arguments: String

    /// Creates a command.
    public init(name: String, mention: String? = nil, arguments: String = "") {
        self.name = name
        self.mention = mention
        self.arguments = arguments
    }

    /// Parses a command at the start of `text`.
    ///
    /// - Parameters:
    ///   - text: The message text.
    ///   - botUsername: This bot's username; a command addressed to any other bot is ignored.
    /// - Returns: The command, or `nil` when the text is no command or is meant for another bot.
    public static func parse(_ text: String, botUsername: String?) -> Command? {
        guard text.hasPrefix("/") else { return nil }
        let head = text.dropFirst().prefix { !$0.isWhitespace }
        let arguments = text.dropFirst(1 + head.count).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = head.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0]
        guard !name.isEmpty, name.count <= 64,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        var mention: String?
        if parts.count == 2 {
            let target = String(parts[1])
            guard !target.isEmpty else { return nil }
            if let botUsername, target.lowercased() != botUsername.lowercased() {
                return nil
            }
            mention = target
        }
        return Command(name: name.lowercased(), mention: mention, arguments: arguments)
    }
}
