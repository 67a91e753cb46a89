/// Splits texts longer than a platform's limit into parts sent in order.
///
/// Lengths are ``TelegramTextLength``: UTF-16 units of the visible text, so HTML tags cost
/// nothing and `&amp;` costs one. A text within ``limit`` is returned as it is. A longer text is
/// cut, and every cut makes progress whatever the input:
/// - a cut falls on a paragraph break (`\n\n`), else a line break, else a space, found in the
///   second half of the room left; else on the last grapheme boundary in that half; else, when
///   one grapheme is wider than half the limit (a letter with a thousand combining marks), on
///   the last Unicode scalar that fits. A cut never falls inside a surrogate pair, a tag or an
///   entity.
/// - the spaces and line breaks around a cut are dropped, and so are those at the start and end
///   of the text: no part starts or ends with one. Nothing else is dropped or reordered, so the
///   parts' visible texts, joined with the dropped white space, give back the input's.
/// - every part holds at most ``limit`` units and at least one visible character, and every
///   part but the last takes at least `limit / 2` units of the input, so a text of length `n`
///   gives at most `n / (limit / 2) + 1` parts. A text of nothing but white space gives none.
///
/// With HTML, each part is well-formed Telegram HTML on its own: the tags open at a cut are
/// closed at the end of the part and opened again at the start of the next. When the tags to
/// open again are longer than ``limit`` (deep nesting), only the innermost that fit are opened
/// again, and the closing tags of the others are left out. Markup Telegram would refuse is
/// repaired rather than carried into the parts: a `<` that starts no known tag is written as
/// `&lt;` and a bare `&` as `&amp;`, a closing tag that does not close the innermost open tag is
/// dropped, and tags never closed are closed at the end. The visible text is never lost. Work
/// is linear in the text, and the parts together are at most about 5 times the input plus
/// 3 × ``limit`` per part.
public struct MessageSplitter: Sendable {
    /// The longest part, in UTF-16 units of visible text (``TelegramTextLength``).
    public var limit: Int

    /// Creates a splitter; Telegram's limit is 4096 for a text and 1024 for a caption.
    public init(limit: Int = TelegramTextLength.messageLimit) {
        precondition(limit >= 64, "a message limit below 64 characters is no use to anyone")
        self.limit = limit
    }

    /// Splits `text` into parts no longer than ``limit``.
    public func split(_ text: String, parseMode: ParseMode?) -> [String] {
        guard TelegramTextLength.of(text, parseMode: parseMode) > limit else { return [text] }
        switch parseMode {
        case .html:
            return splitHTML(HTMLScan(text))
        case .markdownV2, nil:
            let scalars = text.unicodeScalars
            var index = scalars.startIndex
            var offset = 0
            return cuts(in: Array(scalars)).map { part in
                let start = scalars.index(index, offsetBy: part.lowerBound - offset)
                index = scalars.index(start, offsetBy: part.count)
                offset = part.upperBound
                return String(scalars[start..<index])
            }
        }
    }
}
