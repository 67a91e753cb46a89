/// What the splitter needs to know about Telegram-HTML markup in a text: where tags and
/// entities are (no cut inside them) and which tags are open at a given point.
struct HTMLScan {
    struct Tag {
        var name: String
        var openingText: String
    }

    private struct Span {
        var range: Range<String.Index>
        var tag: Tag?
        var closes: String?
    }

    private let spans: [Span]

    init(_ text: Substring) {
        var spans: [Span] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "<", let close = text[index...].firstIndex(of: ">") {
                let end = text.index(after: close)
                let inner = text[text.index(after: index)..<close]
                if inner.hasPrefix("/") {
                    spans.append(Span(range: index..<end, tag: nil, closes: Self.name(of: inner.dropFirst())))
                } else {
                    let tag = Tag(name: Self.name(of: inner), openingText: String(text[index..<end]))
                    spans.append(Span(range: index..<end, tag: tag, closes: nil))
                }
                index = end
            } else if character == "&", let semicolon = text[index...].prefix(10).firstIndex(of: ";") {
                let end = text.index(after: semicolon)
                spans.append(Span(range: index..<end, tag: nil, closes: nil))
                index = end
            } else {
                index = text.index(after: index)
            }
        }
        self.spans = spans
    }

    /// Whether cutting right before `index` keeps every tag and entity whole.
    func isSafeCut(at index: String.Index) -> Bool {
        !spans.contains { $0.range.contains(index) && $0.range.lowerBound != index }
    }

    /// The tags still open before `index`, outermost first.
    func openTags(before index: String.Index) -> [Tag] {
        var open: [Tag] = []
        for span in spans where span.range.upperBound <= index {
            if let tag = span.tag {
                open.append(tag)
            } else if let name = span.closes, let last = open.lastIndex(where: { $0.name == name }) {
                open.remove(at: last)
            }
        }
        return open
    }

    /// The longest run of closing tags a part could need, to reserve room for them.
    var longestClosingSuffix: Int {
        var depth: [String] = []
        var longest = 0
        for span in spans {
            if let tag = span.tag {
                depth.append(tag.name)
            } else if let name = span.closes, let last = depth.lastIndex(of: name) {
                depth.remove(at: last)
            }
            longest = max(longest, depth.reduce(0) { $0 + $1.utf16.count + 3 })
        }
        return longest
    }

    private static func name(of inner: Substring) -> String {
        String(inner.prefix { $0.isLetter || $0 == "-" }).lowercased()
    }
}
