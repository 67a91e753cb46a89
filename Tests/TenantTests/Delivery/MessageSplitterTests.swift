import Foundation
import Testing
@testable import Tenant

@Suite("MessageSplitter")
struct MessageSplitterTests {
    let splitter = MessageSplitter(limit: 100)

    @Test("a short text is left alone")
    func short() {
        #expect(splitter.split("hello", parseMode: nil) == ["hello"])
    }

    @Test("cuts prefer paragraphs, then lines, then words, and lose no word")
    func boundaries() {
        let paragraph = String(repeating: "word ", count: 12).trimmingTrailingWhitespace()  // 59 chars
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

    @Test("HTML tags open at a cut are closed and reopened; no cut inside a tag or entity")
    func html() {
        let body = (0..<30).map { "x\($0)" }.joined(separator: " ")
        let text = "<b>bold <a href=\"https://e.x/\">" + body + " &amp; " + body + "</a></b> tail"
        let parts = MessageSplitter(limit: 120).split(text, parseMode: .html)
        #expect(parts.count >= 2)
        for part in parts {
            #expect(part.utf16.count <= 120)
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
}

@Suite("Long replies")
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
