import Tenant

/// The longest text an API request may carry for a message, counted as Telegram counts it:
/// UTF-16 code units of the visible text (``TelegramTextLength``), so an emoji outside the
/// Basic Multilingual Plane counts 2 and, with HTML, tags count nothing.
struct MessageTextLimit: Sendable {
    /// The most UTF-16 units.
    var maximum: Int

    /// What a sandbox person writes, a text or a photo's caption: Telegram's 4096.
    static let message = MessageTextLimit(maximum: TelegramTextLength.messageLimit)
    /// A broadcast: four messages' worth; a text over one message goes out in parts.
    static let broadcast = MessageTextLimit(maximum: 4 * TelegramTextLength.messageLimit)

    /// Refuses `text` with a 400 that names `field`, the text's length and the limit when the
    /// text is longer than ``maximum``.
    func check(_ text: String, field: String, parseMode: ParseMode? = nil) throws {
        let length = TelegramTextLength.of(text, parseMode: parseMode)
        guard length <= maximum else {
            let counted = parseMode == .html ? "UTF-16 units of the text without its tags" : "UTF-16 units"
            throw Problem.badRequest(
                "\(field) is \(length) characters long as Telegram counts them (\(counted)); "
                    + "it may be at most \(maximum)")
        }
    }
}
