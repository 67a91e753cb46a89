// libFuzzer target: `HTMLScan` (Sources/Tenant/Delivery), the reading of Telegram-HTML that the
// splitter and `TelegramTextLength` rely on.
//
// Input: one byte says how many leading characters to leave out, so the scan also reads a
// substring that does not start at its string's start; the rest is the text as UTF-8.
//
// Invariants: the scan never traps and ends (linear work; a hang is a libFuzzer timeout); its
// pieces cover the input's scalars exactly, in order, without gaps or overlaps; a one-scalar
// character piece is that scalar, a longer one an entity (`&…`, at most 10 scalars); a tag
// piece runs from `<` to `>` and names a tag Telegram knows; the visible length never exceeds
// the raw length; and `firstProblem` agrees with an independent reading: none for markup that
// is well-formed by the harness's stricter rules, and when it finds none, every tag is closed
// in order.

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzHTMLScan(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(data, count)
    let skip = Int(input.byte() % 8)
    let text = input.text.dropFirst(skip)

    let scan = HTMLScan(text)
    invariant(scan.scalars == Array(text.unicodeScalars), "the scan's scalars are not the text's")
    var next = 0
    var depth = 0
    var lowest = 0
    for piece in scan.pieces {
        invariant(piece.raw.lowerBound == next && !piece.raw.isEmpty, "piece \(piece.raw) after offset \(next)")
        invariant(piece.raw.upperBound <= scan.scalars.count, "piece \(piece.raw) past the end")
        next = piece.raw.upperBound
        let first = scan.scalars[piece.raw.lowerBound]
        let last = scan.scalars[piece.raw.upperBound - 1]
        switch piece.kind {
        case .character(let scalar):
            if piece.raw.count == 1 {
                invariant(scalar == first, "character piece \(piece.raw) is not its scalar")
            } else {
                invariant(first == "&" && piece.raw.count <= 10, "entity piece \(piece.raw) of \(piece.raw.count)")
            }
        case .open, .close:
            invariant(first == "<" && last == ">", "tag piece \(piece.raw) is not <…>")
            let name = scan.name(of: piece)
            let known = HTMLScan.tagNames.contains(name) || (piece.kind == .close && name.isEmpty)
            invariant(known, "tag piece \(piece.raw) names \(String(reflecting: name))")
            depth += piece.kind == .open ? 1 : -1
            lowest = min(lowest, depth)
        }
    }
    invariant(next == scan.scalars.count, "the pieces end at \(next) of \(scan.scalars.count) scalars")
    invariant(
        TelegramTextLength.of(text, parseMode: .html) <= TelegramTextLength.of(text, parseMode: nil),
        "the visible text is longer than the raw text"
    )
    let problem = scan.firstProblem
    if HTMLText.isWellFormed(text) {
        invariant(problem == nil, "well-formed markup, yet: \(problem!)")
    }
    if problem == nil {
        invariant(depth == 0 && lowest == 0, "no problem found, yet tags do not nest (\(depth) open, lowest \(lowest))")
    }
    return 0
}
