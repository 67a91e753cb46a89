extension MessageSplitter {
    /// Splits an HTML text: the cuts are planned on its visible characters, then each part is
    /// written with the tags open at its ends closed and opened again.
    func splitHTML(_ scan: HTMLScan) -> [String] {
        let parts = cuts(in: scan.visible)
        guard !parts.isEmpty else { return [] }
        var writer = HTMLPartWriter(scan: scan, reopeningBudget: limit)
        var texts: [String] = []
        var pieceIndex = 0
        var visibleIndex = 0
        for (number, part) in parts.enumerated() {
            if number > 0 {
                // Closing tags after the previous part, up to the next opening tag or character,
                // still belong to it; the white space among them was dropped at the cut.
                gap: while pieceIndex < scan.pieces.count {
                    let piece = scan.pieces[pieceIndex]
                    switch piece.kind {
                    case .close: writer.close(piece)
                    case .character where visibleIndex < part.lowerBound: visibleIndex += 1
                    case .open, .character: break gap
                    }
                    pieceIndex += 1
                }
                texts.append(writer.endPart())
                writer.startPart()
            }
            while visibleIndex < part.upperBound {
                let piece = scan.pieces[pieceIndex]
                pieceIndex += 1
                switch piece.kind {
                case .open: writer.open(piece)
                case .close: writer.close(piece)
                case .character(let scalar):
                    // White space before the part's first character was dropped at the cut.
                    if visibleIndex >= part.lowerBound { writer.write(scalar, piece) }
                    visibleIndex += 1
                }
            }
        }
        // After the last character only tags and dropped white space are left.
        for piece in scan.pieces[pieceIndex...] {
            switch piece.kind {
            case .open: writer.open(piece)
            case .close: writer.close(piece)
            case .character: break
            }
        }
        texts.append(writer.endPart())
        return texts
    }
}

/// Writes the parts of an HTML text one after the other, keeping each part's tags balanced.
///
/// The tags open in the input form a stack; those open in the current part are always its top
/// (from `firstOpenInPart` on), since a part opens again only the innermost tags of the stack.
struct HTMLPartWriter {
    private struct OpenTag {
        var name: String
        var opening: Range<Int>
        var openingLength: Int
    }

    private let scan: HTMLScan
    private let reopeningBudget: Int
    private var stack: [OpenTag] = []
    private var firstOpenInPart = 0
    private var output: [UInt8] = []

    /// A writer of `scan`'s parts that opens again at most `reopeningBudget` UTF-16 units of tags.
    init(scan: HTMLScan, reopeningBudget: Int) {
        self.scan = scan
        self.reopeningBudget = reopeningBudget
    }

    /// Writes an opening tag.
    mutating func open(_ piece: HTMLScan.Piece) {
        let opening = scan.scalars[piece.raw]
        stack.append(OpenTag(name: scan.name(of: piece), opening: piece.raw,
                             openingLength: opening.reduce(0) { $0 + UTF16.width($1) }))
        append(opening)
    }

    /// Writes a closing tag if it closes the innermost open tag and that tag was opened in this
    /// part; a closing tag that closes nothing, or another tag, is dropped.
    mutating func close(_ piece: HTMLScan.Piece) {
        let name = scan.name(of: piece)
        guard let innermost = stack.last, name.isEmpty || name == innermost.name else { return }
        stack.removeLast()
        if stack.count >= firstOpenInPart {
            output.append(contentsOf: "</\(innermost.name)>".utf8)
        } else {
            firstOpenInPart = stack.count
        }
    }

    /// Writes a visible character: as it was for a character or entity, escaped for a bare `<`
    /// or `&`, and with its semicolon for an entity written without one.
    mutating func write(_ scalar: Unicode.Scalar, _ piece: HTMLScan.Piece) {
        if piece.raw.count > 1 {
            append(scan.scalars[piece.raw])
            if scan.scalars[piece.raw.upperBound - 1] != ";" { output.append(contentsOf: ";".utf8) }
        } else if scalar == "<" {
            output.append(contentsOf: "&lt;".utf8)
        } else if scalar == "&" {
            output.append(contentsOf: "&amp;".utf8)
        } else {
            UTF8.encode(scalar) { output.append($0) }
        }
    }

    /// Closes the tags open in this part and returns it.
    mutating func endPart() -> String {
        for tag in stack[firstOpenInPart...].reversed() {
            output.append(contentsOf: "</\(tag.name)>".utf8)
        }
        defer { output.removeAll(keepingCapacity: true) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Opens again, in a new part, the innermost tags of the stack whose openings fit the budget.
    mutating func startPart() {
        var used = 0
        firstOpenInPart = stack.count
        while firstOpenInPart > 0, used + stack[firstOpenInPart - 1].openingLength <= reopeningBudget {
            used += stack[firstOpenInPart - 1].openingLength
            firstOpenInPart -= 1
        }
        for tag in stack[firstOpenInPart...] {
            append(scan.scalars[tag.opening])
        }
    }

    private mutating func append(_ scalars: ArraySlice<Unicode.Scalar>) {
        for scalar in scalars {
            UTF8.encode(scalar) { output.append($0) }
        }
    }
}
