import PropertyBased
import Testing
@testable import Tenant

/// Hostile texts for the splitter: random Unicode (combining-mark stacks, ZWJ sequences, flags,
/// surrogate pairs, CJK, white space), random and malformed HTML, at Telegram's limits and a
/// small one. Every call returns, every part fits, and the parts give back the text.
@Suite("MessageSplitter: hostile input", .timeLimit(.minutes(5)))
struct MessageSplitterHostileInputTests {
    /// The limits checked: a small one, a caption's, a text's.
    static let limits = Gen.int(in: 0...3).map {
        [64, 100, TelegramTextLength.captionLimit, TelegramTextLength.messageLimit][$0]
    }

    /// What the Unicode texts are made of.
    static let unicodeFragments: [String] = [
        "a", "word", "слово", "中文字", "ひらがな", "😀", "𝒜𝒷", "🇺🇦", "🇯🇵🇺🇸🇫🇷", "👨‍👩‍👧‍👦", "👍🏽", "🏳️‍🌈", "e\u{301}",
        "\u{301}\u{302}\u{303}", "a" + String(repeating: "\u{301}", count: 70),
        "a" + String(repeating: "\u{301}", count: 1100), String(repeating: "\u{200D}", count: 5), "\u{FE0F}",
        " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u{00A0}", "\u{2028}", String(repeating: "x", count: 300),
        String(repeating: " ", count: 200), String(repeating: "\n", count: 70), String(repeating: "😀", count: 90),
        "&", "<", ">", "&amp;",
    ]

    /// Texts of up to 600 fragments.
    static let unicodeTexts = Gen.int(in: 0...(unicodeFragments.count - 1)).array(of: 0...600)
        .map { indices in indices.map { unicodeFragments[$0] }.joined() }

    /// Telegram's tags, with their closing tags.
    static let tags: [(open: String, close: String)] = [
        ("<b>", "</b>"), ("<strong>", "</strong>"), ("<i>", "</i>"), ("<em>", "</em>"), ("<u>", "</u>"),
        ("<ins>", "</ins>"), ("<s>", "</s>"), ("<strike>", "</strike>"), ("<del>", "</del>"),
        ("<span class=\"tg-spoiler\">", "</span>"), ("<tg-spoiler>", "</tg-spoiler>"),
        ("<a href=\"https://example.org/?q=<x>&amp;y='1'\">", "</a>"), ("<A HREF='tg://user?id=1'>", "</A>"),
        ("<code>", "</code>"), ("<pre>", "</pre>"), ("<pre><code class=\"language-swift\">", "</code></pre>"),
        ("<blockquote>", "</blockquote>"), ("<blockquote expandable>", "</blockquote>"),
    ]

    /// Visible pieces of the HTML texts, entities among them.
    static let htmlWords: [String] = [
        "word", " ", "\n", "\n\n", "слово ", "😀", "🇺🇦", "👨‍👩‍👧‍👦", "e\u{301}",
        "a" + String(repeating: "\u{301}", count: 200),
        "&lt;", "&gt;", "&amp;", "&quot;", "&#233;", "&#x1F600;", "&#128512;", "&lt", "&#65", "AT&T",
        String(repeating: "x", count: 150), String(repeating: " ", count: 90),
    ]

    /// Well-formed HTML: each instruction opens a tag, closes the innermost, or writes words.
    static let nestedHTML = Gen.int(in: 0...99).array(of: 0...800).map { instructions in
        var text = ""
        var open: [String] = []
        for instruction in instructions {
            switch instruction {
            case 0..<15:
                let tag = tags[instruction % tags.count]
                text += tag.open
                open.append(tag.close)
            case 15..<25:
                if let close = open.popLast() { text += close }
            default:
                text += htmlWords[instruction % htmlWords.count]
            }
        }
        return text + open.reversed().joined()
    }

    /// Malformed HTML: tags in any order, stray `<` and `&`, unknown tags, unclosed quotes.
    static let malformedFragments: [String] = tags.flatMap { [$0.open, $0.close] } + htmlWords + [
        "<", "< b>", "<unknown>", "</unknown>", "</>", "<b", "<a href=\"unclosed", "<a href='x", "&", "&#xD800;",
        "&#0;", "&#1114111;", "&#12345678;", "&nbsp;", "&ampx", "<<<", ">>>", "</b   >", "<B>", "</I>",
        String(repeating: "<b>", count: 100), String(repeating: "</i>", count: 50),
    ]

    static let malformedHTML = Gen.int(in: 0...(malformedFragments.count - 1)).array(of: 0...800)
        .map { indices in indices.map { malformedFragments[$0] }.joined() }

    @Test("plain Unicode: every part fits, the parts give back the text, their number is bounded")
    func plainUnicode() async {
        await propertyCheck(count: 300, input: Self.unicodeTexts, Self.limits) { text, limit in
            let parts = MessageSplitter(limit: limit).split(text, parseMode: nil)
            SplitChecks.plain(text, parts, limit: limit)
        }
    }

    @Test("MarkdownV2 is split like plain text, by its length as written")
    func markdown() async {
        await propertyCheck(count: 100, input: Self.unicodeTexts, Self.limits) { text, limit in
            let parts = MessageSplitter(limit: limit).split(text, parseMode: .markdownV2)
            SplitChecks.plain(text, parts, limit: limit)
        }
    }

    @Test("nested HTML: every part fits and is well formed, the visible text comes back whole")
    func nestedHTML() async {
        await propertyCheck(count: 300, input: Self.nestedHTML, Self.limits) { text, limit in
            #expect(HTMLScan(text).firstProblem == nil, "the generator writes valid markup")
            let parts = MessageSplitter(limit: limit).split(text, parseMode: .html)
            SplitChecks.html(text, parts, limit: limit)
        }
    }

    @Test("malformed HTML: the parts are repaired, fit, and keep every visible character")
    func malformedHTML() async {
        await propertyCheck(count: 300, input: Self.malformedHTML, Self.limits) { text, limit in
            let parts = MessageSplitter(limit: limit).split(text, parseMode: .html)
            SplitChecks.html(text, parts, limit: limit)
        }
    }

    @Test("Unicode as HTML: stray < and & are text, escaped in the parts")
    func unicodeAsHTML() async {
        await propertyCheck(count: 100, input: Self.unicodeTexts, Self.limits) { text, limit in
            let parts = MessageSplitter(limit: limit).split(text, parseMode: .html)
            SplitChecks.html(text, parts, limit: limit)
        }
    }

    @Test("deep nesting: at most `limit` units of tags are opened again per part, the rest dropped")
    func deepNesting() async {
        let depths = Gen.int(in: 1...3000)
        await propertyCheck(count: 50, input: depths, Self.limits) { depth, limit in
            let text = String(repeating: "<i>", count: depth) + String(repeating: "y ", count: 3 * limit)
                + String(repeating: "</i>", count: depth)
            let parts = MessageSplitter(limit: limit).split(text, parseMode: .html)
            SplitChecks.html(text, parts, limit: limit)
            for part in parts.dropFirst() {
                #expect(part.prefix { $0 != "y" }.utf16.count <= limit, "the tags opened again fit the limit")
            }
        }
    }

    @Test("hostile tag soup: many unterminated quotes and unfinished tags are read in one pass")
    func tagSoup() {
        for fragment in ["<a href=\"", "<a href='", "<b", "</", "&#", "<a href=\"x\" '"] {
            let text = String(repeating: fragment, count: 20_000) + " tail"
            let parts = MessageSplitter(limit: 1024).split(text, parseMode: .html)
            SplitChecks.html(text, parts, limit: 1024)
        }
    }
}

/// The properties every split must have.
enum SplitChecks {
    /// Plain text: parts within `limit` UTF-16 units, none starting or ending with white space,
    /// and the input is the parts with only spaces and line breaks between, before and after.
    static func plain(
        _ text: String, _ parts: [String], limit: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let length = text.utf16.count
        if length <= limit {
            #expect(parts == [text], sourceLocation: sourceLocation)
            return
        }
        joined(Array(text.unicodeScalars), parts.map { Array($0.unicodeScalars) }, sourceLocation: sourceLocation)
        for part in parts {
            #expect(part.utf16.count <= limit, sourceLocation: sourceLocation)
        }
        #expect(parts.count <= length / (limit / 2) + 1, sourceLocation: sourceLocation)
    }

    /// HTML: each part within `limit` as Telegram counts it and well formed, the visible texts
    /// join back as for plain text, the count and the size of the parts bounded.
    static func html(_ text: String, _ parts: [String], limit: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let visible = HTMLScan(text).visible
        let length = visible.reduce(0) { $0 + UTF16.width($1) }
        #expect(TelegramTextLength.of(text, parseMode: .html) == length, sourceLocation: sourceLocation)
        if length <= limit {
            #expect(parts == [text], sourceLocation: sourceLocation)
            return
        }
        joined(visible, parts.map { HTMLScan($0).visible }, sourceLocation: sourceLocation)
        for part in parts {
            #expect(TelegramTextLength.of(part, parseMode: .html) <= limit, sourceLocation: sourceLocation)
            #expect(HTMLScan(part).firstProblem == nil, "\(part.prefix(200))", sourceLocation: sourceLocation)
        }
        #expect(parts.count <= length / (limit / 2) + 1, sourceLocation: sourceLocation)
        let written = parts.reduce(0) { $0 + $1.utf16.count }
        #expect(written <= 5 * text.utf16.count + 3 * limit * parts.count, sourceLocation: sourceLocation)
    }

    /// `input` is `parts` in order with only spaces and line breaks around them; no part is
    /// empty or starts or ends with one; there is a part unless `input` is all white space.
    private static func joined(
        _ input: [Unicode.Scalar], _ parts: [[Unicode.Scalar]], sourceLocation: SourceLocation
    ) {
        var index = 0
        func skipBlanks() {
            while index < input.count, MessageSplitter.isBlank(input[index]) { index += 1 }
        }
        for part in parts {
            guard let first = part.first, let last = part.last else {
                Issue.record("an empty part", sourceLocation: sourceLocation)
                return
            }
            #expect(!MessageSplitter.isBlank(first) && !MessageSplitter.isBlank(last), sourceLocation: sourceLocation)
            skipBlanks()
            guard input[index...].starts(with: part) else {
                Issue.record("part does not continue the text at \(index)", sourceLocation: sourceLocation)
                return
            }
            index += part.count
        }
        skipBlanks()
        #expect(index == input.count, "nothing but white space is left out", sourceLocation: sourceLocation)
    }
}
