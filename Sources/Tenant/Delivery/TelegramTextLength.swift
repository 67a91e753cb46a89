/// The length of a text as Telegram counts it against its limits: UTF-16 code units of the
/// text a person sees.
///
/// Plain text counts every UTF-16 unit, so an emoji outside the Basic Multilingual Plane counts
/// 2 and a letter with 1,000 combining marks counts 1,001, though it is one character on screen.
/// HTML counts after Telegram's entity parsing: tags count nothing and an entity such as `&amp;`
/// or `&#128512;` counts as the character it stands for (see ``HTMLScan`` for what is markup).
/// MarkdownV2 counts the text as written, an upper bound of what Telegram counts. White space
/// Telegram trims at the ends still counts, so the measure never falls below Telegram's.
public enum TelegramTextLength {
    /// The longest message text Telegram accepts.
    public static let messageLimit = 4096
    /// The longest photo caption Telegram accepts.
    public static let captionLimit = 1024

    /// The length of `text` sent with `parseMode`, in UTF-16 code units.
    public static func of(_ text: some StringProtocol, parseMode: ParseMode? = nil) -> Int {
        switch parseMode {
        case .html:
            HTMLScan(text).pieces.reduce(0) { length, piece in
                if case .character(let scalar) = piece.kind { length + UTF16.width(scalar) } else { length }
            }
        case .markdownV2, nil:
            text.utf16.count
        }
    }
}
