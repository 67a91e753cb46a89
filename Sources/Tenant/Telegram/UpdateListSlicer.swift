import Foundation

/// Cuts the `result` array out of a `getUpdates` answer into each update's own bytes, exactly
/// as Telegram sent them, without building an object tree.
///
/// Parsing the whole answer into `[String: Any]` and writing every element back out took a
/// sixth of the host's CPU under load (BENCHMARKS.md); this scan only tracks strings and
/// nesting. Each slice is still decoded (and so validated) as an update afterwards.
enum UpdateListSlicer {
    /// The elements of the top-level object's `result` array, or `nil` when the answer is not
    /// a JSON object holding one.
    static func updates(in body: Data) -> [Data]? {
        body.withUnsafeBytes { raw -> [Data]? in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            guard let ranges = scanner.resultElements() else { return nil }
            return ranges.map { body.subdata(in: $0) }
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        private static let result = Array("result".utf8)

        mutating func resultElements() -> [Range<Int>]? {
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return nil }
            while true {
                skipWhitespace()
                guard let key = string() else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                if bytes[key].elementsEqual(Self.result) { return arrayElements() }
                guard skipValue() else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        }

        private mutating func arrayElements() -> [Range<Int>]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var elements: [Range<Int>] = []
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return elements }
            while true {
                skipWhitespace()
                let start = index
                guard skipValue() else { return nil }
                elements.append(start..<index)
                skipWhitespace()
                if take(UInt8(ascii: "]")) { return elements }
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        }

        /// Reads a string; returns the range of its contents (escapes left as they are).
        private mutating func string() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<(index - 1)
                default: index += 1
                }
            }
            return nil
        }

        /// Skips one value of any kind; `false` when it is cut short or malformed.
        private mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                let start = index
                while index < bytes.count, !Self.endsScalar(bytes[index]) { index += 1 }
                return index > start
            }
        }

        private static func endsScalar(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || isWhitespace(byte)
        }

        private static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
    }
}
