/// Tokens that have a Bot API token's shape but are not real: the shipped examples' fallbacks
/// (`100000001:placeholder-set-HAN_RU_TOKEN-to-run-this-bot`), `123456:CHANGE_ME…`, `…:AAAA…`.
///
/// A token is a placeholder when the part after the colon, lowercased without `_` and `-`,
/// contains one of ``words`` (six letters or more); or uses fewer than ``minimumDistinct`` different characters; or
/// holds a run of ``longestRun`` or more consecutive letters or digits in order (`abcdef`,
/// `123456`). A token @BotFather issues is 35 random characters of 64: about 27 different ones,
/// and the odds of either pattern are below one in ten million.
enum PlaceholderToken {
    /// Words that mark a placeholder.
    static let words = [
        "placeholder", "changeme", "replace", "example", "sample", "yourtoken", "insert", "botfather", "secret",
        "xxxxxx",
    ]
    /// Fewer different characters than this is a placeholder.
    static let minimumDistinct = 8
    /// A run of this many characters in order (`abcdef`, `456789`) is a placeholder.
    static let longestRun = 6

    /// Why `token` looks like a placeholder, without quoting it; `nil` for a real-looking token.
    static func reason(_ token: String) -> String? {
        guard let colon = token.firstIndex(of: ":") else { return nil }
        let secret = Array(token[token.index(after: colon)...].unicodeScalars)
        let plain = String(String.UnicodeScalarView(secret)).lowercased().filter { $0 != "_" && $0 != "-" }
        if let word = words.first(where: plain.contains) {
            return "it holds the word '\(word)'"
        }
        if Set(secret).count < minimumDistinct {
            let count = Set(secret).count
            return "it uses only \(count) different character\(count == 1 ? "" : "s")"
        }
        var run = 1
        for (previous, next) in zip(secret, secret.dropFirst()) {
            let ordered = next.value == previous.value + 1 && isLetterOrDigit(next) && isLetterOrDigit(previous)
            run = ordered ? run + 1 : 1
            if run >= longestRun { return "it holds \(longestRun) characters in order" }
        }
        return nil
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
