extension MessageSplitter {
    /// The parts of a visible text, as ranges of `visible`, by the rules of ``MessageSplitter``.
    ///
    /// Each part starts and ends with a character that is no space or line break, is at most
    /// ``limit`` UTF-16 units long, and all but the last start at least `limit / 2` units after
    /// the previous one. Work is linear: each part looks at most ``limit`` units ahead of it.
    func cuts(in visible: [Unicode.Scalar]) -> [Range<Int>] {
        var end = visible.count
        while end > 0, Self.isBlank(visible[end - 1]) { end -= 1 }
        var parts: [Range<Int>] = []
        var start = 0
        while true {
            while start < end, Self.isBlank(visible[start]) { start += 1 }
            guard start < end else { return parts }
            // The room: as many scalars as fit; `half` is where its second half begins.
            var room = start
            var used = 0
            var half = end
            while room < end, used + UTF16.width(visible[room]) <= limit {
                used += UTF16.width(visible[room])
                room += 1
                if half == end, used >= limit / 2 { half = room }
            }
            if room == end {
                parts.append(start..<end)
                return parts
            }
            let cut = separatorCut(in: visible, from: half, to: room)
                ?? Self.lastGraphemeBoundary(in: visible, start: start, from: half, to: room)
                ?? room
            var partEnd = cut
            while Self.isBlank(visible[partEnd - 1]) { partEnd -= 1 }
            parts.append(start..<partEnd)
            start = cut
        }
    }

    /// The last paragraph break, else line break, else space at or after `from` and at or before
    /// `to`: the white space that starts there is dropped.
    private func separatorCut(in visible: [Unicode.Scalar], from: Int, to: Int) -> Int? {
        var line: Int?
        var space: Int?
        var index = to
        while index >= from {
            switch visible[index] {
            case "\n" where visible[index - 1] == "\n":
                return index
            case "\n":
                line = line ?? index
            case " ":
                space = space ?? index
            default:
                break
            }
            index -= 1
        }
        return line ?? space
    }

    /// Whether the splitter drops `scalar` at a cut: a space or a line break, the white space
    /// Telegram itself trims from the ends of a message.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\n"
    }

    /// The last offset at or after `from` and at or before `to` where a grapheme starts, reading
    /// graphemes from `start`. Whether one starts at `to` depends only on what comes before it.
    private static func lastGraphemeBoundary(in visible: [Unicode.Scalar], start: Int, from: Int, to: Int) -> Int? {
        var offset = start
        var last: Int?
        for character in String(String.UnicodeScalarView(visible[start...to])) {
            offset += character.unicodeScalars.count
            guard offset <= to else { break }
            if offset >= from { last = offset }
        }
        return last
    }
}
