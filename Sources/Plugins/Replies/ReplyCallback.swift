/// The callback data of buttons that lead to a named reply: `r:<name>`.
enum ReplyCallback {
    /// Marks data as this plugin's, so presses on other plugins' buttons pass.
    static let prefix = "r:"

    /// Telegram's limit on a button's callback data, in bytes.
    static let maximumBytes = 64

    /// The data of a button that leads to the reply `name`.
    static func data(forReply name: String) -> String {
        prefix + name
    }

    /// The reply a button's data leads to, or `nil` when the data is not this plugin's.
    static func replyName(in data: String?) -> String? {
        guard let data, data.hasPrefix(prefix) else { return nil }
        return String(data.dropFirst(prefix.count))
    }
}
