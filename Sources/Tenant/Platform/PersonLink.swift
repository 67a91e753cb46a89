/// The address that opens a chat with a person, from the username the platform gave them:
/// `https://matrix.to/#/@ann:example.org` for a Matrix id, `https://t.me/ann` for a Telegram
/// username. Plugins that link to a person use it, so that they need not know the platform.
public enum PersonLink {
    /// The link to the person whose ``User/username`` is `username`.
    public static func url(username: String) -> String {
        if username.hasPrefix("@"), username.contains(":") {
            return "https://matrix.to/#/" + username
        }
        return "https://t.me/" + username
    }
}
