import Foundation

/// Splits texts longer than a platform's limit into parts sent in order.
///
/// Cuts fall on a paragraph break if one is in reach, else a line break, else a space, else
/// mid-word as a last resort. With HTML markup, a cut never falls inside a tag or an entity,
/// and tags open at the cut are closed at the end of one part and reopened at the start of the
/// next, so every part is valid markup on its own.
public struct MessageSplitter: Sendable {
    /// The longest part, in characters as the platform counts them (UTF-16 code units on Telegram).
    public var limit: Int

    /// Creates a splitter; Telegram's limit is 4096.
    public init(limit: Int = 4096) {
        precondition(limit >= 64, "a message limit below 64 characters cannot keep markup intact")
        self.limit = limit
    }

    /// Splits `text` into parts no longer than ``limit``.
    public func split(_ text: String, parseMode: ParseMode?) -> [String] {
        guard Self.length(text) > limit else { return [text] }
        switch parseMode {
        case .html: return splitHTML(text)
        case .markdownV2, nil: return splitPlain(text)
        }
    }

    /// The length as Telegram counts it.
    static func length(_ text: some StringProtocol) -> Int { text.utf16.count }

    private func splitPlain(_ text: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(text)
        while Self.length(rest) > limit {
            let cut = cutIndex(in: rest, budget: limit, isAllowed: { _ in true })
            parts.append(String(rest[..<cut]).trimmingTrailingWhitespace())
            rest = rest[cut...].drop(while: { $0 == " " || $0 == "\n" })
        }
        if !rest.isEmpty { parts.append(String(rest)) }
        return parts
    }

    private func splitHTML(_ text: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(text)
        var reopen = ""
        while Self.length(reopen) + Self.length(rest) > limit {
            let chunk = Substring(reopen + rest)
            let markup = HTMLScan(chunk)
            // Reserve room for the closing tags this part may need.
            var budget = limit - markup.longestClosingSuffix
            budget = max(budget, limit / 2)
            let cut = cutIndex(in: chunk, budget: budget, isAllowed: { markup.isSafeCut(at: $0) })
            let open = markup.openTags(before: cut)
            let head = String(chunk[..<cut]).trimmingTrailingWhitespace()
            parts.append(head + open.reversed().map { "</\($0.name)>" }.joined())
            reopen = open.map(\.openingText).joined()
            rest = chunk[cut...].drop(while: { $0 == " " || $0 == "\n" })
            if rest.isEmpty { reopen = "" }
        }
        if !rest.isEmpty { parts.append(reopen + rest) }
        return parts
    }

    /// The best place to cut within `budget` UTF-16 units, preferring paragraph, line, then word breaks.
    private func cutIndex(in text: Substring, budget: Int, isAllowed: (String.Index) -> Bool) -> String.Index {
        var end = text.startIndex
        var used = 0
        for index in text.indices {
            let width = text[index].utf16.count
            if used + width > budget { break }
            used += width
            end = text.index(after: index)
        }
        let window = text[..<end]
        let minimum = text.index(text.startIndex, offsetBy: window.count / 4, limitedBy: end) ?? end
        for separator in ["\n\n", "\n", " "] {
            var search = window[minimum...]
            while let range = search.range(of: separator, options: .backwards) {
                if isAllowed(range.upperBound) { return range.upperBound }
                search = search[..<range.lowerBound]
            }
        }
        var index = end
        while index > text.startIndex && !isAllowed(index) {
            index = text.index(before: index)
        }
        return index > text.startIndex ? index : end
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while let last = copy.last, last == " " || last == "\n" { copy.removeLast() }
        return copy
    }
}
