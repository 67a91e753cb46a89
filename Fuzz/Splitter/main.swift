// libFuzzer target: `MessageSplitter.split(_:parseMode:)` (Sources/Tenant/Delivery), with
// `TelegramTextLength` measuring and `HTMLScan` reading the parts.
//
// Input: one byte picks the parse mode (none, HTML, MarkdownV2), one the limit (64 to 319, so
// short inputs already need cutting), the rest is the text as UTF-8.
//
// Invariants, the splitter's documented promises: the split ends (a hang is a libFuzzer timeout);
// a text within the limit comes back whole; otherwise every part is within the limit and has a
// visible character besides spaces and line breaks, every part but the last takes at least half
// the limit (so a text of length n gives at most n / (limit / 2) + 1 parts), the parts' visible
// characters are the text's in order, bar the spaces and line breaks at the cuts, and with HTML
// every part is markup Telegram accepts, however broken the text's markup was.

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSplitter(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(data, count)
    let parseMode: ParseMode? = [nil, .html, .markdownV2][Int(input.byte() % 3)]
    let limit = 64 + Int(input.byte())
    let text = input.text

    let parts = MessageSplitter(limit: limit).split(text, parseMode: parseMode)

    let length = TelegramTextLength.of(text, parseMode: parseMode)
    if length <= limit {
        invariant(parts == [text], "a text within the limit (\(length) ≤ \(limit)) was changed")
        return 0
    }
    invariant(parts.count <= length / (limit / 2) + 1, "\(parts.count) parts for a text of length \(length)")
    for (index, part) in parts.enumerated() {
        let partLength = TelegramTextLength.of(part, parseMode: parseMode)
        invariant(partLength <= limit, "part \(index) has length \(partLength), over the limit \(limit)")
        invariant(
            visible(part, parseMode).contains { !isDropped($0) },
            "part \(index) shows nothing but white space: \(String(reflecting: part))"
        )
        if parseMode == .html, let problem = HTMLScan(part).firstProblem {
            invariant(false, "part \(index) is markup Telegram refuses (\(problem)): \(String(reflecting: part))")
        }
    }
    invariant(
        parts.flatMap { visible($0, parseMode) }.filter { !isDropped($0) }
            == visible(text, parseMode).filter { !isDropped($0) },
        "the parts' visible text is not the text's, beyond white space at the cuts"
    )
    return 0
}

/// What a reader sees of `text`: with HTML, the characters without the tags and with entities
/// decoded; else the text itself.
private func visible(_ text: String, _ parseMode: ParseMode?) -> [Unicode.Scalar] {
    parseMode == .html ? HTMLScan(text).visible : Array(text.unicodeScalars)
}

/// Whether the splitter may drop `scalar` at a cut: a space or a line break.
private func isDropped(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\n"
}
