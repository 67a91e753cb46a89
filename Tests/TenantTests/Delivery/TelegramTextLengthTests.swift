import Testing
@testable import Tenant

@Suite("TelegramTextLength")
struct TelegramTextLengthTests {
    @Test("plain text counts UTF-16 units: astral emoji 2, each combining mark 1", arguments: [
        ("hello", 5), ("Жжж", 3), ("😀", 2), ("🇺🇦", 4), ("👨‍👩‍👧‍👦", 11), ("e\u{301}", 2), ("<b>&amp;</b>", 12),
    ])
    func plain(text: String, length: Int) {
        #expect(TelegramTextLength.of(text) == length)
        #expect(TelegramTextLength.of(text, parseMode: .markdownV2) == length)
    }

    @Test("HTML counts the visible text after Telegram's entity parsing", arguments: [
        ("<b>bold</b>", 4),
        ("<a href=\"https://e.x/?a=1&amp;b=<2>\">link</a>", 4),
        ("&lt;&gt;&amp;&quot;", 4),
        ("&lt&gt", 2),  // the semicolon is optional
        ("&#233;&#xE9;&#128512;", 4),  // numeric references; an astral one counts 2
        ("&#0;&#xD800;&#1114111;&#12345678;", 33),  // not characters Telegram decodes: written out
        ("&nbsp; &ampx AT&T", 17),  // unknown entities are text
        ("1 < 2", 5),  // a < that starts no tag is text
        ("<unknown>x</unknown>", 20),
        ("<B>x</B><blockquote expandable>y</blockquote><pre><code class=\"language-c\">z</code></pre>", 3),
        ("<span class=\"tg-spoiler\">s</span><tg-spoiler>t</tg-spoiler></>", 2),
    ])
    func html(text: String, length: Int) {
        #expect(TelegramTextLength.of(text, parseMode: .html) == length)
    }

    @Test("markup problems Telegram would refuse are named with where they are")
    func problems() {
        #expect(HTMLScan("<b>ok</b> &lt; <a href='x'>y</a>").firstProblem == nil)
        #expect(HTMLScan("1 < 2").firstProblem
            == "the '<' at character 3 starts no tag Telegram knows; write &lt; for a '<'")
        #expect(HTMLScan("<b>x</i>").firstProblem == "</i> at character 5 does not close <b> (character 1)")
        #expect(HTMLScan("x</b>").firstProblem == "</b> at character 2 closes no open tag")
        #expect(HTMLScan("<b><i>x</i>").firstProblem == "<b> at character 1 is never closed")
    }
}
