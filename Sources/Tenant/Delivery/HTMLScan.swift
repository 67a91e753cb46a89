/// A text in Telegram's HTML subset read the way Telegram's parser reads it: tags, entities and
/// the visible characters, each tied to the input it came from.
///
/// The tags Telegram knows (`a`, `b`, `strong`, `i`, `em`, `u`, `ins`, `s`, `strike`, `del`,
/// `span`, `tg-spoiler`, `tg-emoji`, `code`, `pre`, `blockquote`) are markup. `&lt;`, `&gt;`,
/// `&amp;`, `&quot;` and numeric references (`&#233;`, `&#xE9;`) are one character each, the
/// semicolon optional, as Telegram has it. Anything else, such as a `<` that starts no known tag
/// or an unknown entity, is text: malformed markup loses none of its visible characters.
///
/// Reading is linear in the input: a tag's name is at most 10 characters, a tag ends at its
/// first `>` outside quotes, a `<` outside quotes ends the attempt, and a tag holds at most 8
/// quoted values.
struct HTMLScan {
    /// What a piece of the input is.
    enum Kind: Equatable {
        /// One visible character: a character of the input, or the one an entity stands for.
        case character(Unicode.Scalar)
        /// An opening tag Telegram knows.
        case open
        /// A closing tag: `</name>` of a known tag, or `</>`.
        case close
    }

    /// A tag, an entity or a character of the input.
    struct Piece {
        var kind: Kind
        /// Where the piece is, in ``scalars``.
        var raw: Range<Int>
    }

    /// The input's Unicode scalars.
    let scalars: [Unicode.Scalar]
    /// The input, in order, as tags and visible characters.
    let pieces: [Piece]

    /// The tag names Telegram's HTML accepts.
    static let tagNames: Set<String> = [
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "tg-emoji", "code",
        "pre", "blockquote",
    ]

    /// Reads `text`.
    init(_ text: some StringProtocol) {
        let scalars = Array(text.unicodeScalars)
        var pieces: [Piece] = []
        pieces.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "&", let (decoded, end) = Self.entity(in: scalars, at: index) {
                pieces.append(Piece(kind: .character(decoded), raw: index..<end))
                index = end
            } else if scalar == "<", let (kind, end) = Self.tag(in: scalars, at: index) {
                pieces.append(Piece(kind: kind, raw: index..<end))
                index = end
            } else {
                pieces.append(Piece(kind: .character(scalar), raw: index..<index + 1))
                index += 1
            }
        }
        self.scalars = scalars
        self.pieces = pieces
    }

    /// The visible characters, in order.
    var visible: [Unicode.Scalar] {
        pieces.compactMap { piece in
            if case .character(let scalar) = piece.kind { scalar } else { nil }
        }
    }

    /// The lowercased name of a tag piece (empty for `</>`).
    func name(of piece: Piece) -> String {
        var index = piece.raw.lowerBound + 1
        if scalars[index] == "/" { index += 1 }
        var name = String.UnicodeScalarView()
        while index < piece.raw.upperBound, !Self.isSpace(scalars[index]), scalars[index] != ">" {
            name.append(scalars[index])
            index += 1
        }
        return String(name).lowercased()
    }

    /// The entity starting at `start` (an `&`) and the character it stands for, as Telegram
    /// decodes it; `nil` when the `&` is a plain character.
    private static func entity(in scalars: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        var index = start + 1
        var decoded: Unicode.Scalar?
        if index < scalars.count, scalars[index] == "#" {
            index += 1
            let radix: UInt32 = index < scalars.count && scalars[index] == "x" ? 16 : 10
            if radix == 16 { index += 1 }
            var value: UInt32 = 0
            while index < scalars.count, let digit = Self.digit(scalars[index], radix: radix) {
                // Telegram refuses references of 10 or more characters; stopping keeps `value` small.
                guard index - start < 9 else { return nil }
                value = value * radix + digit
                index += 1
            }
            guard value != 0, value < 0x10FFFF else { return nil }
            decoded = Unicode.Scalar(value)
        } else {
            while index < scalars.count, isASCIILetter(scalars[index]) {
                guard index - start < 5 else { return nil }
                index += 1
            }
            switch String(String.UnicodeScalarView(scalars[(start + 1)..<index])) {
            case "lt": decoded = "<"
            case "gt": decoded = ">"
            case "amp": decoded = "&"
            case "quot": decoded = "\""
            default: decoded = nil
            }
        }
        guard let decoded else { return nil }
        if index < scalars.count, scalars[index] == ";" { index += 1 }
        return (decoded, index)
    }

    /// The tag starting at `start` (a `<`) and where it ends; `nil` when the `<` is a plain character.
    private static func tag(in scalars: [Unicode.Scalar], at start: Int) -> (Kind, Int)? {
        var index = start + 1
        let closing = index < scalars.count && scalars[index] == "/"
        if closing { index += 1 }
        let nameStart = index
        while index < scalars.count, !isSpace(scalars[index]), scalars[index] != ">", scalars[index] != "<" {
            guard index - nameStart < 10 else { return nil }
            index += 1
        }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<index])).lowercased()
        if closing {
            guard name.isEmpty || tagNames.contains(name) else { return nil }
            while index < scalars.count, isSpace(scalars[index]) { index += 1 }
            guard index < scalars.count, scalars[index] == ">" else { return nil }
            return (.close, index + 1)
        }
        guard tagNames.contains(name) else { return nil }
        var quotedValues = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == ">" { return (.open, index + 1) }
            if scalar == "<" { return nil }
            if scalar == "\"" || scalar == "'" {
                quotedValues += 1
                guard quotedValues <= 8 else { return nil }
                index += 1
                while index < scalars.count, scalars[index] != scalar { index += 1 }
                guard index < scalars.count else { return nil }
            }
            index += 1
        }
        return nil
    }

    /// White space as Telegram's tag parser sees it.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func digit(_ scalar: Unicode.Scalar, radix: UInt32) -> UInt32? {
        let value = scalar.value
        switch value {
        case 0x30...0x39: return value - 0x30
        case 0x41...0x46 where radix == 16: return value - 0x41 + 10
        case 0x61...0x66 where radix == 16: return value - 0x61 + 10
        default: return nil
        }
    }
}

extension HTMLScan {
    /// The first thing in the markup that Telegram would refuse, said for a person, or `nil`
    /// when tags nest and close properly and every `<` starts a tag Telegram knows.
    var firstProblem: String? {
        var open: [(name: String, at: Int)] = []
        for piece in pieces {
            let at = piece.raw.lowerBound + 1
            switch piece.kind {
            case .character(let scalar):
                if scalar == "<", piece.raw.count == 1 {
                    return "the '<' at character \(at) starts no tag Telegram knows; write &lt; for a '<'"
                }
            case .open:
                open.append((name(of: piece), at))
            case .close:
                let name = name(of: piece)
                guard let innermost = open.last else {
                    return "</\(name)> at character \(at) closes no open tag"
                }
                guard name.isEmpty || name == innermost.name else {
                    return "</\(name)> at character \(at) does not close <\(innermost.name)> "
                        + "(character \(innermost.at))"
                }
                open.removeLast()
            }
        }
        guard let unclosed = open.last else { return nil }
        return "<\(unclosed.name)> at character \(unclosed.at) is never closed"
    }
}
