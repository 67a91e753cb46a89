import Foundation
import Testing
@testable import Tenant

@Suite("MessageSplitter", .timeLimit(.minutes(5)))
struct MessageSplitterTests {
    let splitter = MessageSplitter(limit: 100)

    @Test("a short text is left alone")
    func short() {
        #expect(splitter.split("hello", parseMode: nil) == ["hello"])
    }

    @Test("cuts prefer paragraphs, then lines, then words, and lose no word")
    func boundaries() {
        let paragraph = String(String(repeating: "word ", count: 12).dropLast())  // 59 chars
        let text = paragraph + "\n\n" + paragraph + "\n\n" + paragraph
        let parts = splitter.split(text, parseMode: nil)
        #expect(parts == [paragraph, paragraph, paragraph])

        let words = (0..<60).map { "w\($0)" }.joined(separator: " ")
        let wordParts = splitter.split(words, parseMode: nil)
        #expect(wordParts.allSatisfy { $0.utf16.count <= 100 })
        #expect(wordParts.joined(separator: " ") == words)
    }

    @Test("a text with no spaces is cut hard, in order")
    func noSpaces() {
        let text = String(repeating: "ж", count: 250)
        let parts = splitter.split(text, parseMode: nil)
        #expect(parts.map(\.count) == [100, 100, 50])
        #expect(parts.joined() == text)
    }

    @Test("Telegram's limit is counted in UTF-16 units, so emoji count double")
    func utf16() {
        let text = String(repeating: "😀", count: 60)  // 120 UTF-16 units
        let parts = splitter.split(text, parseMode: nil)
        #expect(parts.count == 2)
        #expect(parts.allSatisfy { $0.utf16.count <= 100 })
        #expect(parts.joined() == text)
    }

    @Test("HTML tags open at a cut are closed and reopened; no cut inside a tag or entity; tags cost nothing")
    func html() {
        let body = (0..<30).map { "x\($0)" }.joined(separator: " ")
        let text = "<b>bold <a href=\"https://e.x/\">" + body + " &amp; " + body + "</a></b> tail"
        let parts = MessageSplitter(limit: 120).split(text, parseMode: .html)
        #expect(parts.count >= 2)
        for part in parts {
            #expect(TelegramTextLength.of(part, parseMode: .html) <= 120)
            #expect(part.components(separatedBy: "<b>").count == part.components(separatedBy: "</b>").count)
            #expect(part.components(separatedBy: "<a ").count == part.components(separatedBy: "</a>").count)
            #expect(!part.hasSuffix("&amp"))
        }
        #expect(parts[1].hasPrefix("<b><a href=\"https://e.x/\">"))
        let stripped = parts.joined(separator: " ")
            .replacingOccurrences(of: "<b>", with: "").replacingOccurrences(of: "</b>", with: "")
            .replacingOccurrences(of: "<a href=\"https://e.x/\">", with: "").replacingOccurrences(of: "</a>", with: "")
        #expect(stripped.split(separator: " ") == ("bold " + body + " &amp; " + body + " tail").split(separator: " "))
    }

    @Test("issue #14: one grapheme wider than a caption (a letter and 1,100 accents) is cut between its scalars")
    func graphemeWiderThanTheLimit() {
        let name = "a" + String(repeating: "\u{301}", count: 1100)
        let caption = name + ", 30, Lisbon\n\nSurfing and coffee."
        let parts = MessageSplitter(limit: TelegramTextLength.captionLimit).split(caption, parseMode: nil)
        #expect(parts.map(\.utf16.count) == [1024, caption.utf16.count - 1024])
        #expect(parts.joined() == caption)
    }

    @Test("issue #14: 1,400 nested tags that fill the budget when opened again; the split returns")
    func tagsFillingTheBudget() {
        let text = String(repeating: "<b>", count: 1400) + String(repeating: "x", count: 100)
        #expect(MessageSplitter().split(text, parseMode: .html) == [text], "100 visible characters fit one message")
        let parts = MessageSplitter(limit: 64).split(text, parseMode: .html)
        #expect(parts.count == 2)
        #expect(parts.map { TelegramTextLength.of($0, parseMode: .html) } == [64, 36])
        #expect(parts[0] == text.prefix(4200 + 64) + String(repeating: "</b>", count: 1400))
        #expect(parts[1] == String(repeating: "<b>", count: 21) + String(repeating: "x", count: 36)
            + String(repeating: "</b>", count: 21), "only the 21 innermost tags (63 units) are opened again")
    }

    @Test("HTML Telegram would refuse is repaired in the parts; no visible character is lost")
    func repairsMarkup() {
        let text = "1 < 2 & <i>x</b> AT&T &lt" + String(repeating: " word", count: 30) + " <u>open"
        let parts = MessageSplitter(limit: 64).split(text, parseMode: .html)
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { HTMLScan($0).firstProblem == nil })
        #expect(parts[0].hasPrefix("1 &lt; 2 &amp; <i>x AT&amp;T &lt; word"),
                "the stray </b> is dropped, <i> stays open")
        #expect(parts.last?.hasSuffix("<u>open</u></i>") == true, "unclosed tags are closed at the end")
        let visible = parts.map { String(String.UnicodeScalarView(HTMLScan($0).visible)) }.joined(separator: " ")
        #expect(visible == "1 < 2 & x AT&T <" + String(repeating: " word", count: 30) + " open")
    }

    @Test("white space around cuts and at the ends is dropped; a text of only white space gives no part")
    func whiteSpace() {
        let text = "   " + String(repeating: "a", count: 90) + "  \n\n  " + String(repeating: "b", count: 20) + "\n  "
        #expect(splitter.split(text, parseMode: nil) == [
            String(repeating: "a", count: 90), String(repeating: "b", count: 20),
        ])
        #expect(splitter.split(String(repeating: " \n", count: 100), parseMode: nil) == [])
        #expect(splitter.split("<b>" + String(repeating: " ", count: 200) + "</b>", parseMode: .html) == [])
    }

    @Test("a cut inside a long word falls on a grapheme boundary: no flag, family or accent is torn")
    func graphemes() {
        let text = String(repeating: "🇺🇦👨‍👩‍👧‍👦e\u{301}", count: 30)
        let parts = splitter.split(text, parseMode: nil)
        #expect(parts.joined() == text)
        #expect(parts.allSatisfy { $0.utf16.count <= 100 })
        #expect(parts.map(\.count).reduce(0, +) == text.count, "every part holds whole graphemes")
    }
}

@Suite("Long replies", .timeLimit(.minutes(5)))
struct LongReplyTests {
    struct Shouter: Plugin {
        static let name = "shouter"
        init(configuration: NoConfiguration, bot: BotDescriptor) {}
        func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
            let paragraph = String(repeating: "слово ", count: 500)  // 3000 characters
            context.reply(paragraph + "\n\n" + paragraph + "\n\n" + paragraph, buttons: [[.callback("More", data: "more")]])
            return .handled
        }
    }

    @Test("a reply over 4096 characters goes out as ordered parts within the limit")
    func splitsReplies() async throws {
        let harness = TenantHarness(plugins: [Shouter(configuration: .init(), bot: .test)])
        try await harness.running {
            harness.platform.send(chat: 1, text: "go")
            _ = try await harness.platform.waitForPerformed(3)
        }
        let texts = harness.platform.performed.map(\.text)
        #expect(texts.count == 3)
        #expect(texts.allSatisfy { $0.utf16.count <= 4096 })
        #expect(texts.joined(separator: " ").split(separator: " ").count == 1500)
    }
}
