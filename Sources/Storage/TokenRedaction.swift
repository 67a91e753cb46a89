/// Masks anything that looks like a Telegram bot token (`123456:AAH…`, digits, a colon and 30
/// or more of `A-Za-z0-9_-`) as `123456:***`, wherever it appears in a log line.
///
/// The host never logs or stores tokens on purpose; this is the second line of defence for text
/// that comes from elsewhere (an error message quoting a URL, a proxy's error page, a plugin's
/// log line): every error the store keeps or hands out, and every log line, passes through it.
public enum TokenRedaction {
    /// `text` with every token-shaped run masked.
    public static func redact(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: ":")) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ":"), let end = secretEnd(in: bytes, after: index),
                digitsBefore(index, in: bytes) >= 3
            {
                output.append(contentsOf: Array(":***".utf8))
                index = end
                changed = true
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    private static func digitsBefore(_ colon: Int, in bytes: [UInt8]) -> Int {
        var count = 0
        var index = colon - 1
        while index >= 0, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            count += 1
            index -= 1
        }
        return count
    }

    /// Where the token's secret part after `colon` ends, if it is 30 or more characters long.
    private static func secretEnd(in bytes: [UInt8], after colon: Int) -> Int? {
        var index = colon + 1
        while index < bytes.count, isTokenCharacter(bytes[index]) { index += 1 }
        return index - colon - 1 >= 30 ? index : nil
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
